// GET/POST /login: the password step. One generic message for unknown user, wrong password,
// disabled account and an account whose access ended during the sign-in (login-service.ts step 6);
// lockout (423) and rate limiting (429) come from the login service as errors.
// A signed-in visitor is sent on to return_to unless `prompt=login` asks to re-authenticate
// (SAML ForceAuthn, OIDC prompt=login: check res.locals.session.authTime on return).
import { Router, type Request, type Response } from "express";
import type { Render } from "../../http/index.ts";
import type { AuthService } from "../auth-service.ts";
import { requireCsrf } from "../csrf/require-csrf.ts";
import { safeReturnTo } from "../login/return-to.ts";
import { MAX_USERNAME } from "../login/credentials.ts";
import { field, formBody } from "./forms.ts";
import { page } from "./render.ts";
import type { UpstreamButton } from "../upstream/upstream-idps.ts";

export const BAD_CREDENTIALS = "Incorrect username or password.";
/** after POST /logout (1) and "sign out everywhere" (everywhere) */
const SIGNED_OUT = new Map([
  ["1", "You have signed out."],
  ["everywhere", "You have signed out everywhere: every session has ended and apps must ask you to sign in again."],
]);

export interface LoginForm {
  returnTo?: string;
  username?: string;
  error?: string;
  fieldErrors?: Record<string, string>;
  notice?: string;
  prompt?: string;
}

export type ShowLogin = (req: Request, res: Response, form: LoginForm, status?: number) => Promise<void>;

/**
 * The sign-in page: the password form, and a "Sign in with …" button per enabled upstream IdP
 * (`upstreams`). The two-step step shows it too, when a sign-in has to start again.
 */
export function loginPage(render: Render, upstreams: () => Promise<UpstreamButton[]>): ShowLogin {
  return async (req, res, form, status = 200) => {
    // the buttons carry the same return_to and prompt as the password form
    const query = new URLSearchParams({ ...(form.returnTo ? { return_to: form.returnTo } : {}), ...(form.prompt ? { prompt: form.prompt } : {}) }).toString();
    const data = { title: "Sign in", username: "", fieldErrors: {}, ...form, upstreams: await upstreams(), upstreamQuery: query ? `?${query}` : "" };
    page(render, req, res, "login", data, status);
  };
}

export function loginRoutes(auth: AuthService, show: ShowLogin): Router {
  const r = Router();

  r.get("/login", async (req, res) => {
    const returnTo = safeReturnTo(req.query.return_to);
    const prompt = req.query.prompt === "login" ? "login" : undefined;
    if (res.locals.user && !prompt) return res.redirect(303, returnTo ?? "/");
    const notice = SIGNED_OUT.get(String(req.query.signed_out));
    await show(req, res, { returnTo, notice, prompt });
  });

  r.post("/login", formBody, requireCsrf, async (req, res) => {
    const returnTo = safeReturnTo(field(req, "return_to"));
    const prompt = field(req, "prompt") === "login" ? "login" : undefined;
    const username = field(req, "username").trim();
    const password = field(req, "password");
    const fieldErrors: Record<string, string> = {};
    if (!username) fieldErrors.username = "Enter your username.";
    else if (username.length > MAX_USERNAME) fieldErrors.username = `A username has at most ${MAX_USERNAME} characters.`;
    if (!password) fieldErrors.password = "Enter your password.";
    if (Object.keys(fieldErrors).length) return show(req, res, { returnTo, prompt, username: username.slice(0, MAX_USERNAME), fieldErrors }, 400);

    const user = await auth.authenticate(req, res, async (u) => {
      const step = u.totpEnabled ? { pendingMfa: true, authTime: null } : { pendingMfa: false, authTime: auth.now() };
      return (await auth.startSession(req, res, { userId: u.id, epoch: u.epoch, amr: ["pwd"], ...step })) !== null;
    });
    if (!user) return show(req, res, { returnTo, prompt, username, error: BAD_CREDENTIALS }, 401);

    if (user.totpEnabled) return res.redirect(303, returnTo ? `/login/mfa?return_to=${encodeURIComponent(returnTo)}` : "/login/mfa");
    res.redirect(303, returnTo ?? "/");
  });

  return r;
}

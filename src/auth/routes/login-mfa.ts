// GET/POST /login/mfa: the second step for users with TOTP. Only a pending-MFA session reaches
// it. A TOTP code or a recovery code completes the login with a regenerated session.
// amr is ["pwd", "otp"] for both: a recovery code is itself a one-time password (RFC 8176 "otp"),
// issued by us and held by the user, so it proves the same "something you have" — relying parties
// (AWS MultiFactorAuthPresent, OIDC acr/amr checks) should not lock out someone who lost a phone.
// The session's data records which was used ({ mfaMethod }), and the audit log says so.
import { Router, type Request, type Response } from "express";
import { DomainError } from "../../errors.ts";
import type { Render } from "../../http/index.ts";
import type { AuthService } from "../auth-service.ts";
import { requireCsrf } from "../csrf/require-csrf.ts";
import { safeReturnTo } from "../login/return-to.ts";
import { field, formBody } from "./forms.ts";
import type { ShowLogin } from "./login.ts";
import { page } from "./render.ts";

/** `showLogin`: the sign-in page, for a sign-in that has to start again */
export function loginMfaRoutes(auth: AuthService, render: Render, showLogin: ShowLogin): Router {
  const r = Router();
  const show = (req: Request, res: Response, data: { returnTo?: string; error?: string }, status = 200) =>
    page(render, req, res, "mfa", { title: "Two-step verification", ...data }, status);

  r.get("/login/mfa", (req, res) => {
    if (!res.locals.session?.pendingMfa) return res.redirect(303, res.locals.user ? "/" : "/login");
    show(req, res, { returnTo: safeReturnTo(req.query.return_to) });
  });

  r.post("/login/mfa", formBody, (req, res, next) => (res.locals.session?.pendingMfa ? next() : res.redirect(303, "/login")), requireCsrf, async (req, res) => {
    const returnTo = safeReturnTo(field(req, "return_to"));
    const code = field(req, "code").trim();
    if (!code) return show(req, res, { returnTo, error: "Enter the 6-digit code from your authenticator app, or a recovery code." }, 400);
    const account = await auth.login.account(res.locals.session!.userId);
    if (!account) return res.redirect(303, "/login");

    // the signed-in session is created under the epoch the password step read (login-service.ts step 6)
    const epoch = res.locals.session!.epoch;
    let method;
    try {
      method = await auth.login.secondFactor(account, code, req.ip, "login", async (m) => {
        return (await auth.startSession(req, res, { userId: account.id, epoch, pendingMfa: false, amr: ["pwd", "otp"], authTime: auth.now(), data: { mfaMethod: m } })) !== null;
      });
    } catch (err) {
      // locked, or access ended meanwhile: the half-done login is over; the next attempt starts again at the password
      if (err instanceof DomainError && (err.kind === "locked" || err.kind === "unauthenticated")) await auth.endSession(res);
      if (err instanceof DomainError && err.kind === "unauthenticated") {
        return showLogin(req, res, { returnTo, error: err.message }, 401);
      }
      throw err;
    }
    if (!method) return show(req, res, { returnTo, error: "That code did not work. Enter the current code from your app, or an unused recovery code." }, 401);
    res.redirect(303, returnTo ?? "/");
  });

  return r;
}

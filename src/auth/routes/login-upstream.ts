// GET /login/upstream/:slug starts a sign-in through an upstream OpenID Connect IdP (the login
// page's "Sign in with …" buttons); GET /login/upstream/:slug/callback is the redirect URI the
// upstream sends the browser back to. The state travels in a short-lived httpOnly SameSite=Lax
// cookie (Lax: the callback is a top-level navigation from the upstream's site), cleared by the
// callback whatever its outcome. Failures are DomainErrors, shown as the error page.
import { Router, type Response } from "express";
import type { AuthService } from "../auth-service.ts";
import { safeReturnTo } from "../login/return-to.ts";
import { readCookie } from "../session/cookies.ts";
import { STATE_TTL_SECONDS } from "../upstream/login-states.ts";
import type { UpstreamLogin } from "../upstream/upstream-login.ts";

export function loginUpstreamRoutes(auth: AuthService, upstream: UpstreamLogin): Router {
  const r = Router();
  const cookie = auth.secure ? "__Host-idp_upstream" : "idp_upstream";
  const attributes = { httpOnly: true, sameSite: "lax", secure: auth.secure, path: "/" } as const;
  const noStore = (res: Response) => res.setHeader("Cache-Control", "no-store");

  r.get("/login/upstream/:slug", async (req, res) => {
    const returnTo = safeReturnTo(req.query.return_to);
    const { url, state } = await upstream.begin(String(req.params.slug), returnTo, req.query.prompt === "login");
    noStore(res);
    res.cookie(cookie, state, { ...attributes, maxAge: STATE_TTL_SECONDS * 1000 });
    res.redirect(303, url);
  });

  r.get("/login/upstream/:slug/callback", async (req, res) => {
    noStore(res);
    const state = readCookie(req, cookie);
    res.clearCookie(cookie, attributes);
    // local TOTP is not asked: the upstream IdP is trusted to authenticate its people (amr says how)
    const signIn = await upstream.finish(String(req.params.slug), req.originalUrl, state, async (s) => (await auth.startSession(req, res, { ...s, pendingMfa: false })) !== null);
    res.redirect(303, signIn.returnTo ?? "/");
  });

  return r;
}

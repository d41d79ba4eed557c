// The auth module's public face. Other modules use:
//   sessionMiddleware(auth)     mounted once in createApp, before every feature router
//   requireUser                 guard: browsers → /login?return_to=…, /api → 401 problem+json
//   requireCsrf, csrfToken      CSRF for any form: `router.post(path, formBody, requireCsrf, …)`
//   formBody                    the 16 kB urlencoded parser used by every page form
//   res.locals.user / .session  who is signed in, and how (amr, authTime, data)
//   loginUrl(req)               /login?return_to=<this request>, for handlers redirecting themselves
//   auth.sessions               revoke (destroyAllForUser), updateData
//   auth.userSessions           a user's sessions for pages (opaque handles), end one
//   auth.endEverywhere(...)     end every session and OIDC grant of a user, audited, one transaction
//   endAccess(..., tx)          the same, unaudited, inside the caller's transaction
//   UpstreamLogin               sign-in through upstream OIDC IdPs, and their configuration (.idps)
import "./locals.ts";
import type { RequestHandler } from "express";
import type { AuthService } from "./auth-service.ts";
import { sessionMiddleware as makeSessionMiddleware } from "./session/session-middleware.ts";

export { AuthService, type AuthDeps } from "./auth-service.ts";
export type { SessionUser, SessionView } from "./locals.ts";
export { endAccess, type GrantRevoker, type EndedEverywhere } from "./session/end-everywhere.ts";
export type { SessionSummary } from "./session/user-sessions.ts";
export { requireUser, loginUrl } from "./session/require-user.ts";
export { requireCsrf, csrfToken } from "./csrf/require-csrf.ts";
export { CSRF_FIELD, CSRF_HEADER, deriveKey } from "./csrf/csrf.ts";
export { formBody, field } from "./routes/forms.ts";
export { safeReturnTo } from "./login/return-to.ts";
export { authRouter } from "./routes/index.ts";
export { UpstreamLogin } from "./upstream/upstream-login.ts";
export type { UpstreamIdp, UpstreamIdpInput } from "./upstream/upstream-idps.ts";
export type { AppsSource, ConsentsSource } from "./routes/home.ts";
export { PasswordHasher } from "./password.ts";
export { totpAt, TOTP_PERIOD } from "./mfa/totp.ts";

export function sessionMiddleware(auth: AuthService): RequestHandler {
  return makeSessionMiddleware({ store: auth.sessions, csrf: auth.csrf, cookies: auth.cookies, secure: auth.secure });
}

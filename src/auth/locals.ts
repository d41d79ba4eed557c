// What the session middleware puts on every response, for this module and for the others
// (admin, SAML, OIDC): read `res.locals.user` to know who is signed in, `res.locals.session` for
// how (amr, authTime) and for per-session data. Both are absent for anonymous visitors.
import type { Csrf } from "./csrf/csrf.ts";

export interface SessionUser {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
}

export interface SessionView {
  /** SHA-256 of the cookie value (the row key); never the cookie value itself */
  id: string;
  userId: string;
  /** the user's session epoch when this session was created (a pending second step completes under it) */
  epoch: number;
  /** password verified, second factor still due: nothing but /login/mfa is reachable */
  pendingMfa: boolean;
  /** RFC 8176 authentication method references: ["pwd"] or ["pwd", "otp"] */
  amr: string[];
  /** when the user last actively authenticated (OIDC auth_time, SAML AuthnInstant) */
  authTime: Date | null;
  csrfToken: string;
  data: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
}

declare global {
  namespace Express {
    interface Locals {
      /** set by the session middleware when the request carries a live session cookie */
      session?: SessionView;
      /** the signed-in user; only set once every required factor is done */
      user?: SessionUser;
      /** the CSRF helper of this app (see csrf/require-csrf.ts) */
      csrf?: Csrf;
      /** the CSRF nonce cookie set by this response, if any (internal to csrf.ts) */
      csrfNonce?: string;
    }
  }
}

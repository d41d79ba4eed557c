// Password login as a passport strategy (passport-local), on a private Passport instance so
// several apps in one process (tests, a second instance) never share strategies. Passport's own
// session support is not used: sessions are ours (session-store.ts), regenerated at every login.
// Upstream strategies (OIDC, SAML) plug into the same instance later.
// The session is created inside the login decision (login-service.ts step 6), so each call hands
// its `open` to the strategy's verify callback, which passport calls with the request only.
import type { Request, Response } from "express";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { CredentialUser } from "./credentials.ts";
import type { LoginService, OpenSession } from "./login-service.ts";

/** The signed-in user, or null: wrong credentials, or `open` refused (access ended meanwhile). */
export type Authenticate = (req: Request, res: Response, open: OpenSession<CredentialUser>) => Promise<CredentialUser | null>;

export function localAuthenticator(login: LoginService): Authenticate {
  const instance = new passport.Passport();
  const opens = new WeakMap<Request, OpenSession<CredentialUser>>();
  instance.use(
    "local",
    new LocalStrategy({ passReqToCallback: true }, (req, username, password, done) => {
      const open = opens.get(req);
      if (!open) return done(new Error("authenticate() was not given a session to open"));
      login.password(username.trim(), password, req.ip, open).then(
        (r) => (r.ok ? done(null, r.user) : done(null, false, { message: "bad credentials" })),
        (err: unknown) => done(err),
      );
    }),
  );
  return (req, res, open) =>
    new Promise((resolve, reject) => {
      opens.set(req, open);
      const handler = instance.authenticate("local", { session: false }, (err: unknown, user: CredentialUser | false) => {
        if (err) reject(err);
        else resolve(user || null);
      });
      handler(req, res, reject);
    });
}

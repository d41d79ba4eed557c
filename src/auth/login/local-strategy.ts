// Password login as a passport strategy (passport-local), on a private Passport instance so
// several apps in one process (tests, a second instance) never share strategies. Passport's own
// session support is not used: sessions are ours (session-store.ts), regenerated at every login.
// Upstream strategies (OIDC, SAML) plug into the same instance later.
import type { Request, Response } from "express";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { CredentialUser } from "./credentials.ts";
import type { LoginService } from "./login-service.ts";

export type Authenticate = (req: Request, res: Response) => Promise<CredentialUser | null>;

export function localAuthenticator(login: LoginService): Authenticate {
  const instance = new passport.Passport();
  instance.use(
    "local",
    new LocalStrategy({ passReqToCallback: true }, (req, username, password, done) => {
      login.password(username.trim(), password, req.ip).then(
        (r) => (r.ok ? done(null, r.user) : done(null, false, { message: "bad credentials" })),
        (err: unknown) => done(err),
      );
    }),
  );
  return (req, res) =>
    new Promise((resolve, reject) => {
      const handler = instance.authenticate("local", { session: false }, (err: unknown, user: CredentialUser | false) => {
        if (err) reject(err);
        else resolve(user || null);
      });
      handler(req, res, reject);
    });
}

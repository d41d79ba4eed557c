// POST /logout: deletes the session row (every instance stops accepting the cookie at once),
// clears the cookie, audits. CSRF-protected so another site cannot sign people out; without a
// session there is nothing to protect, so a stale page still signs out cleanly.
import { Router } from "express";
import type { AuditLog } from "../../audit/index.ts";
import type { AuthService } from "../auth-service.ts";
import { formBody } from "./forms.ts";

export function logoutRoutes(auth: AuthService, audit: AuditLog): Router {
  const r = Router();
  r.post("/logout", formBody, async (req, res) => {
    const session = res.locals.session;
    if (session) {
      await auth.csrf.enforce(req, res);
      const username = res.locals.user?.username;
      await auth.endSession(res);
      await audit.record({ action: "logout", outcome: "success", actor: username, target: username ?? session.userId, details: { pendingMfa: session.pendingMfa } });
    } else {
      await auth.endSession(res);
    }
    res.redirect(303, "/login?signed_out=1");
  });
  return r;
}

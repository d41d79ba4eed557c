// /account/sessions: where a signed-in user sees the browsers signed in as them and ends them.
//   GET                 the live sessions (browser, address, signed in, last active; this one marked)
//   POST /end  session  end one session, named by its opaque handle (user-sessions.ts); a handle
//                       that is not one of this user's sessions is 404 and changes nothing
//   POST /end-all       sign out everywhere: every session (this one too) and every app grant
import { Router } from "express";
import type { AuditLog } from "../../audit/index.ts";
import { NotFound } from "../../errors.ts";
import type { Render } from "../../http/index.ts";
import type { AuthService } from "../auth-service.ts";
import { requireCsrf } from "../csrf/require-csrf.ts";
import type { GrantRevoker } from "../session/end-everywhere.ts";
import { requireUser } from "../session/require-user.ts";
import { field, formBody } from "./forms.ts";
import { page } from "./render.ts";

const NOTICES = new Map([["ended", "That session is signed out."]]);

export function accountSessionsRoutes(d: { auth: AuthService; audit: AuditLog; render: Render; grants: GrantRevoker }): Router {
  const { auth, audit } = d;
  const r = Router();
  r.use("/account/sessions", requireUser);

  r.get("/account/sessions", async (req, res) => {
    const sessions = await auth.userSessions.list(res.locals.user!.id, res.locals.session!.id);
    page(d.render, req, res, "account-sessions", { title: "Your sessions", sessions, notice: NOTICES.get(String(req.query.done)) });
  });

  r.post("/account/sessions/end", formBody, requireCsrf, async (req, res) => {
    const user = res.locals.user!;
    const ended = await auth.userSessions.end(user.id, field(req, "session"));
    await audit.record({ action: "account.session.end", outcome: ended ? "success" : "failure", actor: user.username, target: `user:${user.id}` });
    if (!ended) throw new NotFound("That session is not one of yours, or it has already ended.");
    if (ended.idHash === res.locals.session!.id) {
      await auth.endSession(res);
      return res.redirect(303, "/login?signed_out=1");
    }
    res.redirect(303, "/account/sessions?done=ended");
  });

  r.post("/account/sessions/end-all", formBody, requireCsrf, async (req, res) => {
    const user = res.locals.user!;
    await auth.endEverywhere(d.grants, { userId: user.id, username: user.username, actor: user.username, action: "account.sessions.end_all" });
    await auth.endSession(res);
    res.redirect(303, "/login?signed_out=everywhere");
  });

  return r;
}

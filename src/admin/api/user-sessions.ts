// /api/admin a user's web sessions: list them with the app-grant count, end all (every web session
// and every OIDC grant with its tokens, as the user page's "End all sessions"), end one by handle.
// A session is named only by its opaque handle (auth/session/user-sessions.ts), never its row key.
import { Router } from "express";
import { NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { endUserSessions } from "../end-user-sessions.ts";
import { param } from "./http.ts";

export function userSessionsApi(s: Services): Router {
  const r = Router();

  r.get("/users/:id/sessions", async (req, res) => {
    const user = await s.directory.getUser(param(req, "id"));
    const [sessions, grants] = await Promise.all([s.auth.userSessions.list(user.id), s.oidc.consents.list(user.id)]);
    // `current` means "the session making this request": never true for a bearer-token caller
    res.json({ sessions: sessions.map(({ current: _, ...session }) => session), grantCount: grants.length });
  });

  r.post("/users/:id/sessions/end-all", async (req, res) => {
    const user = await s.directory.getUser(param(req, "id"));
    res.json(await endUserSessions(s, user, actorOf(res)));
  });

  r.delete("/users/:id/sessions/:handle", async (req, res) => {
    const user = await s.directory.getUser(param(req, "id"));
    const ended = await s.auth.userSessions.end(user.id, param(req, "handle"));
    if (!ended) throw new NotFound("No such session of this user (it may have ended already).");
    await s.audit.record({ actor: actorOf(res), action: "admin.user.session.end", outcome: "success", target: `user:${user.id}`, details: { username: user.username } });
    res.status(204).end();
  });
  return r;
}

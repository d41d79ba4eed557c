// An admin's "End all sessions" of a user, from the user page or the admin API: what the user's own
// "Sign out everywhere" does, under one audit action whichever way the admin came.
import type { EndedEverywhere } from "../auth/index.ts";
import type { Services } from "../services.ts";

export function endUserSessions(s: Pick<Services, "auth" | "oidc">, user: { id: string; username: string }, actor: string): Promise<EndedEverywhere> {
  return s.auth.endEverywhere(s.oidc.consents, { userId: user.id, username: user.username, actor, action: "admin.user.sessions.end_all" });
}

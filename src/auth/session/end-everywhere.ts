// "Sign out everywhere" (the user, from /account/sessions) and "End all sessions" (an admin, from
// the user's admin page): every web session of the user ends, and every OIDC grant they hold is
// revoked with the tokens issued under it, so no app keeps refreshing on their behalf. Both live
// in the database, so every instance stops accepting them at once (the session middleware reads
// the row on each request; nothing caches it). Grants, sessions and the audit event commit
// together or not at all. The admin actions that take standing away from a user (password reset,
// two-step reset, disable, delete) end the same things with endAccess, inside their own
// transaction (admin/user-standing.ts).
import type { AuditLog } from "../../audit/index.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { SessionStore } from "./session-store.ts";

/** The OIDC side (oidc/consents.ts ConsentStore): the auth module does not depend on the provider. */
export interface GrantRevoker {
  revokeAll(accountId: string, tx: Prisma.TransactionClient): Promise<number>;
}

export interface EndedEverywhere {
  sessions: number;
  grants: number;
}

/**
 * Ends every web session and OIDC grant of the user, unaudited, in the caller's transaction.
 * The epoch goes first: from then on the user row is locked, so a sign-in or consent finishing
 * meanwhile either committed before (and the deletes below see its row) or waits and is refused.
 * Sessions before grants: a consent checks its session when it writes the grant.
 */
export async function endAccess(d: { sessions: SessionStore; grants: GrantRevoker }, userId: string, tx: Prisma.TransactionClient): Promise<EndedEverywhere> {
  await d.sessions.bumpEpoch(userId, tx);
  const sessions = await d.sessions.destroyAllForUser(userId, tx);
  const grants = await d.grants.revokeAll(userId, tx);
  return { sessions, grants };
}

export function endEverywhere(
  d: { prisma: PrismaClient; sessions: SessionStore; grants: GrantRevoker; audit: AuditLog },
  e: { userId: string; username: string; actor: string; action: string },
): Promise<EndedEverywhere> {
  return d.prisma.$transaction(async (tx) => {
    const ended = await endAccess(d, e.userId, tx);
    await d.audit.record({ actor: e.actor, action: e.action, outcome: "success", target: `user:${e.userId}`, details: { username: e.username, ...ended } }, tx);
    return ended;
  });
}

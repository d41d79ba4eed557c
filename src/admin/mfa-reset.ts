// An administrator's "reset two-step verification" for a user who lost their authenticator: the
// secret and recovery codes go, and everything the user holds ends (web sessions, OIDC grants with
// their tokens; user-standing.ts says why in the same transaction), under one audit event.
import type { Services } from "../services.ts";
import { NotFound } from "../errors.ts";
import { endAccessIn } from "./user-standing.ts";

export async function resetMfa(s: Pick<Services, "db" | "audit" | "auth" | "oidc">, userId: string, actor: string): Promise<void> {
  const prisma = s.db.prisma;
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { username: true } });
    if (!user) throw new NotFound("No such user.");
    await tx.user.update({ where: { id: userId }, data: { totpEnabled: false, totpSecretEnc: null, totpLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    const ended = await endAccessIn(s, userId).also(tx);
    await s.audit.record({ actor, action: "admin.user.mfa_reset", target: `user:${userId}`, outcome: "success", details: { username: user.username, ...ended } }, tx);
  });
}

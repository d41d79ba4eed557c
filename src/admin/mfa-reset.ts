// An administrator's "reset two-step verification" for a user who lost their authenticator:
// the secret and recovery codes go, the user's sessions end, and one audit event records who did it.
import type { Services } from "../services.ts";
import { NotFound } from "../errors.ts";

export async function resetMfa(s: Pick<Services, "db" | "audit" | "auth">, userId: string, actor: string): Promise<void> {
  const prisma = s.db.prisma;
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { username: true } });
    if (!user) throw new NotFound("No such user.");
    await tx.user.update({ where: { id: userId }, data: { totpEnabled: false, totpSecretEnc: null, totpLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await s.audit.record({ actor, action: "admin.user.mfa_reset", target: `user:${userId}`, outcome: "success", details: { username: user.username } }, tx);
  });
  await s.auth.sessions.destroyAllForUser(userId);
}

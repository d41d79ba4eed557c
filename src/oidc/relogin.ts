// prompt=login, max_age and acr_values=MFA need a login that happens *after* the request. We
// note which web session the browser had when we sent it to the login page (server-side, keyed by
// the interaction uid); every login starts a new session, so a different session on return means
// the person signed in again. Seconds-resolution timestamps cannot tell this apart.
import type { PrismaClient } from "../generated/prisma/client.ts";

const TTL_SECONDS = 3600;

export class ReloginMarks {
  constructor(private readonly prisma: PrismaClient) {}

  async mark(uid: string, sessionId: string): Promise<void> {
    const payload = JSON.stringify({ sessionId });
    await this.prisma.$executeRaw`
      INSERT INTO oidc_artifacts (model, id, payload, expires_at)
      VALUES ('Relogin', ${uid}, ${payload}::jsonb, now() + make_interval(secs => ${TTL_SECONDS}))
      ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, expires_at = EXCLUDED.expires_at`;
  }

  /** True when we asked this interaction for a login and the browser now has another session. */
  async happenedSince(uid: string, sessionId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ payload: { sessionId?: string } }[]>`
      SELECT payload FROM oidc_artifacts WHERE model = 'Relogin' AND id = ${uid} AND expires_at > now()`;
    const marked = rows[0]?.payload.sessionId;
    return marked !== undefined && marked !== sessionId;
  }
}

// RFC 8628 §3.5 slow_down. oidc-provider answers authorization_pending to every early poll; we
// turn a poll that comes sooner than the interval after the previous one into slow_down. The
// last poll time lives in the shared table (model "DevicePoll", id = the device code, `consumed`
// = last poll), updated in one atomic statement, so every instance enforces the same rate.
// Only pending answers are rewritten: once the user approved, the next poll gets its tokens.
import type { PrismaClient } from "../generated/prisma/client.ts";

/** Seconds between polls, announced in the device authorization response. */
export const DEVICE_POLL_INTERVAL = 5;

export class DevicePollLimiter {
  constructor(private readonly prisma: PrismaClient, private readonly intervalSeconds = DEVICE_POLL_INTERVAL, private readonly ttlSeconds = 600) {}

  /** Records a poll; false when it came too soon after the previous one. */
  async allow(deviceCode: string): Promise<boolean> {
    const ms = this.intervalSeconds * 1000;
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO oidc_artifacts (model, id, payload, consumed, expires_at)
      VALUES ('DevicePoll', ${deviceCode}, '{}'::jsonb, now(), now() + make_interval(secs => ${this.ttlSeconds}))
      ON CONFLICT (model, id) DO UPDATE SET consumed = now()
        WHERE oidc_artifacts.consumed IS NULL OR oidc_artifacts.consumed <= now() - make_interval(secs => ${ms / 1000})
      RETURNING id`;
    return rows.length > 0;
  }
}

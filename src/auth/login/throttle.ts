// Brute-force protection shared by every instance (LoginThrottle rows), OWASP Authentication
// Cheat Sheet "Account lockout" and "Login throttling":
// - per account ("user:<name>"): `threshold` consecutive failures lock it for `seconds`; success
//   resets the count. Keys are the submitted name, so unknown names lock exactly like real ones
//   (lockout must not reveal which accounts exist). A lock is not extended by attempts made
//   during it, so an attacker cannot hold an account locked forever with one burst.
// - per client IP ("ip:<addr or /64>"): more than `ipFailureLimit` failures in a fixed window of
//   `ipWindowSeconds` answers 429 until the window ends (password spraying across accounts).
// Every counter change is one INSERT … ON CONFLICT DO UPDATE: PostgreSQL serialises it on the row,
// so concurrent failures from many instances are all counted (no read-modify-write lost update).
// An attempt on an account is counted *before* its password or code is checked (reserveAttempt)
// and uncounted when it turns out right: otherwise a burst of concurrent guesses would all pass
// the lock check before the first of them was counted, and one burst would buy as many guesses
// as it has requests. Attempts beyond the threshold while others are in flight are refused
// unchecked and not counted: they are not failures, so they lock nothing (a person signing in
// from several tabs at once is not an attacker), and they buy no guesses either.
import type { RawSql } from "../../db/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";

export interface ThrottleLimits {
  threshold: number;
  seconds: number;
  ipFailureLimit: number;
  ipWindowSeconds: number;
}

/** An attempt counted against the account before its check, or refused unchecked. */
export type Reservation =
  /** `failures`: the account's count with this attempt in it, its place in the sequence of failures */
  | { reserved: true; failures: number }
  /** lockedFor > 0: the account is locked for that many seconds; 0: the threshold's worth of attempts are in flight */
  | { reserved: false; lockedFor: number };

export interface Settled {
  /** this call is the one that locked the account (exactly one concurrent caller sees it) */
  justLocked: boolean;
  /** seconds the account stays locked from now (0 = not locked) */
  lockedFor: number;
}

export interface ThrottleState {
  ipWait: number;
  lockWait: number;
}

// The statements every login runs, named so PostgreSQL parses and plans each once per connection.
const CHECK = {
  name: "login_throttle_check",
  text: "SELECT key, failures, window_start, locked_until FROM login_throttles WHERE key IN ($1, $2)",
};
/** $1 key, $2 now, $3 threshold: count the attempt unless locked or the threshold's worth are counted; an expired lock starts afresh */
const RESERVE = {
  name: "login_throttle_reserve",
  text: `INSERT INTO login_throttles AS t (key, failures, window_start)
    VALUES ($1, 1, $2::timestamptz)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.locked_until <= $2::timestamptz THEN 1 ELSE t.failures + 1 END,
      window_start = CASE WHEN t.locked_until <= $2::timestamptz THEN $2::timestamptz ELSE t.window_start END,
      locked_until = CASE WHEN t.locked_until <= $2::timestamptz THEN NULL ELSE t.locked_until END
    WHERE t.locked_until <= $2::timestamptz OR (t.locked_until IS NULL AND t.failures < $3::int)
    RETURNING failures`,
};
/** $1 key, $2 now: forget the count, never a live lock */
const CLEAR = {
  name: "login_throttle_clear",
  text: "DELETE FROM login_throttles WHERE key = $1 AND (locked_until IS NULL OR locked_until <= $2::timestamptz)",
};

export function accountKey(username: string): string {
  return `user:${username.trim().toLowerCase().slice(0, 256)}`;
}

export class LoginThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    /** every login's statements (check, reserve, clear): raw SQL, Prisma costs more than they do */
    private readonly sql: RawSql,
    private readonly limits: ThrottleLimits,
    private readonly now: () => Date,
  ) {}

  /**
   * Both gates of a login attempt in one round trip (the hot path): seconds until this IP may try
   * again and seconds until the account unlocks (0 = go ahead).
   */
  async check(keys: { account: string; ip: string }): Promise<ThrottleState> {
    const rows = await this.sql.query<{ key: string; failures: number; window_start: Date; locked_until: Date | null }>(CHECK, [keys.account, keys.ip]);
    const now = this.now();
    const ip = rows.find((r) => r.key === keys.ip);
    const account = rows.find((r) => r.key === keys.account);
    const ipWait =
      ip && Number(ip.failures) >= this.limits.ipFailureLimit
        ? secondsUntil(new Date(new Date(ip.window_start).getTime() + this.limits.ipWindowSeconds * 1000), now)
        : 0;
    const lockWait = secondsUntil(account?.locked_until ? new Date(account.locked_until) : null, now);
    return { ipWait, lockWait };
  }

  /**
   * Counts an attempt on the account as a failure before it is checked, unless the account is
   * locked or the count already holds `threshold` attempts (failed or in flight): then nothing is
   * counted and the attempt is refused. An expired lock starts a fresh count.
   */
  async reserveAttempt(key: string): Promise<Reservation> {
    const now = this.now();
    const rows = await this.sql.query<{ failures: number }>(RESERVE, [key, now, this.limits.threshold]);
    if (rows[0]) return { reserved: true, failures: Number(rows[0].failures) };
    const row = await this.prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
    return { reserved: false, lockedFor: secondsUntil(row?.lockedUntil ?? null, now) };
  }

  /**
   * The reserved attempt failed: it stays counted, and when its place in the count reaches the
   * threshold it locks the account (unless a concurrent attempt already did).
   */
  async settleFailure(key: string, failures: number): Promise<Settled> {
    return failures < this.limits.threshold ? { justLocked: false, lockedFor: 0 } : this.lock(key);
  }

  /** Locks the account unless it is locked; of concurrent callers exactly one sees justLocked. */
  private async lock(key: string): Promise<Settled> {
    const now = this.now();
    const { count } = await this.prisma.loginThrottle.updateMany({
      where: { key, ...unlocked(now) },
      data: { lockedUntil: new Date(now.getTime() + this.limits.seconds * 1000) },
    });
    if (count === 1) return { justLocked: true, lockedFor: this.limits.seconds };
    const row = await this.prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
    return { justLocked: false, lockedFor: secondsUntil(row?.lockedUntil ?? null, now) };
  }

  /** The reserved attempt was a right password still waiting for its second factor: it neither counts nor clears. */
  async releaseAttempt(key: string): Promise<void> {
    await this.prisma.loginThrottle.updateMany({ where: { key, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
  }

  /** Counts a failure for an address; true exactly once per window: when it reaches the limit. */
  async recordIpFailure(key: string): Promise<boolean> {
    const now = this.now();
    const windowFloor = new Date(now.getTime() - this.limits.ipWindowSeconds * 1000);
    const rows = await this.prisma.$queryRaw<{ failures: number }[]>`
      INSERT INTO login_throttles AS t (key, failures, window_start)
      VALUES (${key}, 1, ${now}::timestamptz)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.window_start <= ${windowFloor}::timestamptz THEN 1 ELSE t.failures + 1 END,
        window_start = CASE WHEN t.window_start <= ${windowFloor}::timestamptz THEN ${now}::timestamptz ELSE t.window_start END
      RETURNING failures`;
    return Number(rows[0]!.failures) === this.limits.ipFailureLimit;
  }

  /** A completed login clears the account's count — but never a lock set meanwhile by others. */
  async recordAccountSuccess(key: string): Promise<void> {
    await this.sql.execute(CLEAR, [key, this.now()]);
  }

  /**
   * Delete rows that hold no lock and started longer ago than both periods. This also forgets an
   * account's stale failures (like Keycloak's "failure reset time"): at most threshold-1 guesses
   * per lock period either way, the same rate a lock allows.
   */
  async sweep(): Promise<number> {
    const now = this.now();
    const stale = new Date(now.getTime() - Math.max(this.limits.ipWindowSeconds, this.limits.seconds) * 1000);
    const { count } = await this.prisma.loginThrottle.deleteMany({
      where: { windowStart: { lte: stale }, ...unlocked(now) },
    });
    return count;
  }
}

/** rows holding no live lock (never locked, or the lock has run out) */
function unlocked(now: Date) {
  return { OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] };
}

function secondsUntil(t: Date | null, now: Date): number {
  if (!t) return 0;
  const ms = t.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

// Server-side web sessions (WebSession rows), shared by every instance through the database.
// - The cookie carries 256 random bits; only their SHA-256 is stored, so a database leak or
//   backup does not hand out live sessions.
// - Absolute lifetime (expiresAt) and idle timeout (lastSeenAt) are enforced on every read.
// - lastSeenAt is written at most once a minute, so a busy page does not cost a write per request;
//   the idle timeout is therefore precise to that minute.
import { createHash } from "node:crypto";
import { pooledRandomBytes } from "../../keys/random-pool.ts";
import type { RawSql } from "../../db/index.ts";
import type { PrismaClient, Prisma } from "../../generated/prisma/client.ts";
import type { SessionUser, SessionView } from "../locals.ts";

export const TOUCH_INTERVAL_MS = 60_000;
/** a half-finished login (password done, MFA due) does not need the full session lifetime */
export const PENDING_MFA_TTL_SECONDS = 600;

export interface NewSession {
  userId: string;
  /** the user's session epoch as the sign-in read it with the credentials */
  epoch: number;
  pendingMfa: boolean;
  amr: string[];
  authTime: Date | null;
  data?: Record<string, unknown>;
  ip?: string;
  userAgent?: string;
}

export interface LoadedSession {
  session: SessionView;
  /** the row's user, whether or not MFA is still pending */
  user: SessionUser;
}

export function hashSessionId(cookieValue: string): string {
  return createHash("sha256").update(cookieValue).digest("hex");
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

// The two statements of the hot paths (every sign-in, every signed-in request), named so
// PostgreSQL parses and plans each once per connection; Prisma's query pipeline cost more CPU than
// the statements themselves.
/**
 * $1 id hash, $2 pending MFA, $3 amr, $4 auth time, $5 CSRF token, $6 data, $7 ip, $8 user agent,
 * $9 now, $10 expires, $11 user id, $12 the epoch the sign-in read, $13 the session it replaces
 */
const CREATE = {
  name: "web_session_create",
  text: `WITH s AS (
      INSERT INTO web_sessions (id_hash, user_id, user_epoch, pending_mfa, amr, auth_time, csrf_token, data, ip, user_agent, created_at, last_seen_at, expires_at)
      SELECT $1, u.id, u.session_epoch, $2, $3::text[], $4::timestamptz, $5, $6::jsonb, $7, $8, $9::timestamptz, $9::timestamptz, $10::timestamptz
      FROM users u WHERE u.id = $11::uuid AND u.session_epoch = $12::int AND NOT u.disabled
      FOR SHARE
      RETURNING 1),
    gone AS (DELETE FROM web_sessions WHERE id_hash = $13 AND EXISTS (SELECT 1 FROM s))
    SELECT count(*)::int AS n FROM s`,
};
const FIND = {
  name: "web_session_find",
  text: `SELECT s.id_hash, s.user_id::text AS user_id, s.user_epoch, s.pending_mfa, s.amr, s.auth_time, s.csrf_token, s.data, s.ip, s.user_agent,
           s.created_at, s.last_seen_at, s.expires_at,
           u.username, u.display_name, u.email, u.disabled, u.session_epoch
    FROM web_sessions s LEFT JOIN users u ON u.id = s.user_id
    WHERE s.id_hash = $1`,
};

export class SessionStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: RawSql,
    private readonly opts: { ttlSeconds: number; idleSeconds: number; now: () => Date },
  ) {}

  /**
   * Creates a session with a fresh id, deleting `replacing` in the same statement: that is the
   * regeneration that defeats session fixation (login, MFA completion). Null, with nothing written
   * (`replacing` stays), when the user's access ended since the sign-in read `input.epoch`: a
   * password or two-step reset, disable, delete or sign-out-everywhere committed in between.
   */
  async create(input: NewSession, replacing?: string): Promise<{ cookieValue: string; session: SessionView } | null> {
    const cookieValue = pooledRandomBytes(32).toString("base64url");
    const now = this.opts.now();
    const ttl = input.pendingMfa ? Math.min(PENDING_MFA_TTL_SECONDS, this.opts.ttlSeconds) : this.opts.ttlSeconds;
    const row: Row = {
      idHash: hashSessionId(cookieValue),
      userId: input.userId,
      pendingMfa: input.pendingMfa,
      userEpoch: input.epoch,
      amr: input.amr,
      authTime: input.authTime,
      csrfToken: pooledRandomBytes(32).toString("base64url"),
      data: (input.data ?? {}) as Prisma.JsonValue,
      ip: input.ip?.slice(0, 64) ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + ttl * 1000),
    };
    // One raw statement on the login hot path. The user row is read FOR SHARE: every action that
    // ends access bumps session_epoch first in its transaction (endAccess), so this insert either
    // commits before that bump (and the action's later DELETE sees and ends the session) or waits
    // for the action to commit and then finds the epoch moved. The foreign key's own lock (KEY
    // SHARE) would not wait for an UPDATE of a non-key column. `replacing` goes only with a new row.
    const rows = await this.sql.query<{ n: number }>(CREATE, [
      row.idHash, row.pendingMfa, row.amr, row.authTime, row.csrfToken, JSON.stringify(row.data), row.ip, row.userAgent,
      now, row.expiresAt, row.userId, input.epoch, replacing ?? "",
    ]);
    if (rows[0]?.n !== 1) return null;
    return { cookieValue, session: toView(row) };
  }

  /** The live session for a cookie value, or null (unknown, expired, idle, user disabled, or their access ended since). */
  async load(cookieValue: string): Promise<LoadedSession | null> {
    if (!COOKIE_VALUE.test(cookieValue)) return null;
    const idHash = hashSessionId(cookieValue);
    const row = await this.find(idHash);
    if (!row) return null;
    const now = this.opts.now().getTime();
    const dead = !row.user || row.user.disabled || row.user.sessionEpoch !== row.userEpoch || row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + this.opts.idleSeconds * 1000 <= now;
    if (dead) {
      await this.destroy(idHash);
      return null;
    }
    if (now - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      // conditional, so concurrent requests of one browser write once
      await this.prisma.webSession.updateMany({ where: { idHash, lastSeenAt: row.lastSeenAt }, data: { lastSeenAt: new Date(now) } });
    }
    const { disabled: _d, sessionEpoch: _e, ...user } = row.user!;
    return { session: toView(row), user };
  }

  /** One raw join on every authenticated request: the session row with its user. */
  private async find(idHash: string): Promise<(Row & { user: (SessionUser & { disabled: boolean; sessionEpoch: number }) | null }) | null> {
    const rows = await this.sql.query<RawSessionRow>(FIND, [idHash]);
    const r = rows[0];
    if (!r) return null;
    const date = (d: Date | string | null) => (d === null ? null : new Date(d));
    return {
      idHash: r.id_hash,
      userId: r.user_id,
      pendingMfa: r.pending_mfa,
      userEpoch: r.user_epoch,
      amr: r.amr ?? [],
      authTime: date(r.auth_time),
      csrfToken: r.csrf_token,
      data: (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Prisma.JsonValue,
      ip: r.ip,
      userAgent: r.user_agent,
      createdAt: date(r.created_at)!,
      lastSeenAt: date(r.last_seen_at)!,
      expiresAt: date(r.expires_at)!,
      user: r.user_id !== null && r.username !== null ? { id: r.user_id, username: r.username, displayName: r.display_name, email: r.email, disabled: r.disabled ?? false, sessionEpoch: r.session_epoch ?? 0 } : null,
    };
  }

  /** Merge keys into the session's data (other modules keep small per-session state here). */
  async updateData(idHash: string, patch: Record<string, unknown>): Promise<void> {
    // jsonb || in one statement: two concurrent patches of different keys both land
    await this.prisma.$executeRaw`UPDATE web_sessions SET data = data || ${JSON.stringify(patch)}::jsonb WHERE id_hash = ${idHash}`;
  }

  async destroy(idHash: string): Promise<void> {
    await this.prisma.webSession.deleteMany({ where: { idHash } });
  }

  /**
   * Ends the user's access epoch: no sign-in that read the old one can create a session (create
   * above) or a grant. First in the caller's transaction, so the user row is locked from here on.
   */
  async bumpEpoch(userId: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.$executeRaw`UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ${userId}::uuid`;
  }

  /** Sign a user out everywhere (password reset, admin revocation, account disabled), inside the caller's transaction. */
  async destroyAllForUser(userId: string, tx: Prisma.TransactionClient): Promise<number> {
    return (await tx.webSession.deleteMany({ where: { userId } })).count;
  }

  /**
   * End a user's other sessions, inside the caller's transaction: a new second factor, which they
   * were authenticated without. The epoch moves too, so a password-only sign-in still in flight is
   * refused as well; the session kept is carried over to the new epoch.
   */
  async endOthers(userId: string, keepIdHash: string, tx: Prisma.TransactionClient): Promise<number> {
    await this.bumpEpoch(userId, tx);
    await tx.$executeRaw`
      UPDATE web_sessions s SET user_epoch = u.session_epoch FROM users u
      WHERE s.id_hash = ${keepIdHash} AND s.user_id = ${userId}::uuid AND u.id = s.user_id`;
    return (await tx.webSession.deleteMany({ where: { userId, idHash: { not: keepIdHash } } })).count;
  }

  /** Delete rows past their absolute or idle limit (the read path ignores them anyway). */
  async sweep(): Promise<number> {
    const now = this.opts.now().getTime();
    const { count } = await this.prisma.webSession.deleteMany({
      where: { OR: [{ expiresAt: { lte: new Date(now) } }, { lastSeenAt: { lte: new Date(now - this.opts.idleSeconds * 1000) } }] },
    });
    return count;
  }
}

type Row = Prisma.WebSessionGetPayload<object>;

interface RawSessionRow {
  id_hash: string;
  user_id: string | null;
  user_epoch: number;
  pending_mfa: boolean;
  amr: string[] | null;
  auth_time: Date | string | null;
  csrf_token: string;
  data: unknown;
  ip: string | null;
  user_agent: string | null;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  username: string | null;
  display_name: string | null;
  email: string | null;
  disabled: boolean | null;
  session_epoch: number | null;
}

function toView(row: Row): SessionView {
  return {
    id: row.idHash,
    userId: row.userId!,
    epoch: row.userEpoch,
    pendingMfa: row.pendingMfa,
    amr: row.amr,
    authTime: row.authTime,
    csrfToken: row.csrfToken,
    data: (row.data ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

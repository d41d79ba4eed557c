// Credential persistence and lookup.
// - issue(): the session is committed before the response is sent, in a batched INSERT
//   (session-writer.ts: raw SQL, rows of concurrent requests share one statement). The secret is
//   sealed under the master key (AAD = the access key id), the session token is kept only as its
//   SHA-256. With `replayKey` the same statement also claims the SAML assertion id: both rows or
//   neither, and a replay inserts nothing.
// - lookup(): the immutable part of a credential (decrypted secret, token hash, principal,
//   expiry) is cached per instance; what can change (per-session revocation, the role's
//   "revoke older sessions" instant, an access key's status) is read from the database on every
//   request, so a revocation is effective on every instance at once.
import { timingSafeEqual } from "node:crypto";
import type { RawSql } from "../../db/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { CryptoBox } from "../../keys/index.ts";
import { newTemporaryCredential, sessionTokenHash } from "./ids.ts";
import { SessionWriter } from "./session-writer.ts";
import type { IssuedCredentials, NewSession, Principal, StsCredential } from "./types.ts";

const CACHE_MAX = 50_000;

interface Cached {
  secretAccessKey: string;
  tokenHash?: Buffer;
  expiration?: Date;
  issuedAt?: Date;
  principal: Principal;
}

export class ReplayedAssertion extends Error {}

export class CredentialStore {
  readonly #cache = new Map<string, Cached>();
  readonly #writer: SessionWriter;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: CryptoBox,
    /** the session INSERT (Database.sql: a named statement on the pg pool, Prisma on PGlite) */
    sql: RawSql,
  ) {
    this.#writer = new SessionWriter(sql);
  }

  async issue(session: NewSession, opts: { replayKey?: { id: string; expiresAt: Date } } = {}): Promise<IssuedCredentials> {
    const { accessKeyId, secretAccessKey, sessionToken } = newTemporaryCredential();
    const secretEnc = this.box.seal(secretAccessKey, aad(accessKeyId));
    const hash = sessionTokenHash(sessionToken).toString("hex");
    const s = session;
    const replay = opts.replayKey;
    const written = await this.#writer.write({
      access_key_id: accessKeyId, secret_enc: secretEnc, token_hash: hash, kind: s.kind, account_id: s.accountId, arn: s.arn,
      user_id: s.userId, role_arn: s.roleArn ?? null, iam_user_name: s.iamUserName ?? null, session_name: s.sessionName ?? null,
      source_identity: s.sourceIdentity ?? null, tags: s.tags, transitive_tag_keys: s.transitiveTagKeys,
      session_policy: s.sessionPolicy ?? null, mfa: s.mfa, chained: s.chained, issued_at: s.issuedAt, expires_at: s.expiresAt,
      replay_id: replay?.id ?? null, replay_expires_at: replay?.expiresAt ?? null,
    });
    if (!written) throw new ReplayedAssertion("assertion already used");
    return { accessKeyId, secretAccessKey, sessionToken, expiration: s.expiresAt };
  }

  /** The credential for a SigV4 check, or undefined (unknown, revoked, inactive). */
  async lookup(accessKeyId: string): Promise<StsCredential | undefined> {
    const temporary = accessKeyId.startsWith("ASIA");
    let cached = this.#cache.get(accessKeyId);
    let revokedByRole = false;
    if (temporary) {
      const rows = await this.prisma.$queryRaw<{ revoked_at: Date | null; revoked_before: Date | null; issued_at: Date }[]>`
        SELECT s.revoked_at, s.issued_at, r.revoked_before FROM sts_sessions s
        LEFT JOIN sts_role_revocations r ON r.role_arn = s.role_arn WHERE s.access_key_id = ${accessKeyId}`;
      const live = rows[0];
      if (!live || live.revoked_at) return this.forget(accessKeyId);
      revokedByRole = live.revoked_before !== null && live.issued_at.getTime() < live.revoked_before.getTime();
      cached ??= await this.loadSession(accessKeyId);
    } else {
      const rows = await this.prisma.$queryRaw<{ status: string }[]>`SELECT status FROM iam_access_keys WHERE access_key_id = ${accessKeyId}`;
      if (rows[0]?.status !== "Active") return this.forget(accessKeyId);
      cached ??= await this.loadAccessKey(accessKeyId);
    }
    if (!cached) return undefined;
    return {
      secretAccessKey: cached.secretAccessKey,
      sessionTokenHash: cached.tokenHash,
      expiration: cached.expiration,
      issuedAt: cached.issuedAt,
      principal: cached.principal,
      revokedByRole,
    };
  }

  /** Beyond AWS: this one session stops working now, on every instance. */
  async revokeSession(accessKeyId: string): Promise<boolean> {
    const n = await this.prisma.$executeRaw`UPDATE sts_sessions SET revoked_at = now() WHERE access_key_id = ${accessKeyId} AND revoked_at IS NULL`;
    this.#cache.delete(accessKeyId);
    return n === 1;
  }

  /** AWS's "revoke active sessions" (AWSRevokeOlderSessions): role sessions issued before `at` are denied. */
  async revokeOlderSessions(roleArn: string, at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO sts_role_revocations (role_arn, revoked_before) VALUES (${roleArn}, ${at})
      ON CONFLICT (role_arn) DO UPDATE SET revoked_before = EXCLUDED.revoked_before`;
  }

  /** Drops expired sessions and replay entries (run periodically). */
  async sweep(now = new Date()): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM sts_saml_replay WHERE expires_at < ${now}`;
    await this.prisma.$executeRaw`DELETE FROM sts_sessions WHERE expires_at < ${new Date(now.getTime() - 86_400_000)}`;
    for (const [k, v] of this.#cache) if (v.expiration && v.expiration < now) this.#cache.delete(k);
  }

  private forget(accessKeyId: string): undefined {
    this.#cache.delete(accessKeyId);
    return undefined;
  }

  private remember(accessKeyId: string, value: Cached): Cached {
    if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(accessKeyId, value);
    return value;
  }

  private async loadSession(accessKeyId: string): Promise<Cached | undefined> {
    const r = await this.prisma.stsSession.findUnique({ where: { accessKeyId } });
    if (!r) return undefined;
    return this.remember(accessKeyId, {
      secretAccessKey: this.box.open(r.secretEnc, aad(accessKeyId)).toString("utf8"),
      tokenHash: Buffer.from(r.tokenHash),
      expiration: r.expiresAt,
      issuedAt: r.issuedAt,
      principal: {
        kind: r.kind as Principal["kind"],
        accountId: r.accountId,
        arn: r.arn,
        userId: r.userId,
        roleArn: r.roleArn ?? undefined,
        iamUserName: r.iamUserName ?? undefined,
        sessionName: r.sessionName ?? undefined,
        sourceIdentity: r.sourceIdentity ?? undefined,
        tags: (r.tags ?? {}) as Record<string, string>,
        transitiveTagKeys: r.transitiveTagKeys,
        mfa: r.mfa,
        chained: r.chained,
      },
    });
  }

  private async loadAccessKey(accessKeyId: string): Promise<Cached | undefined> {
    const k = await this.prisma.iamAccessKey.findUnique({ where: { accessKeyId }, include: { user: true } });
    if (!k) return undefined;
    const u = k.user;
    return this.remember(accessKeyId, {
      secretAccessKey: this.box.open(k.secretEnc, accessKeyAad(accessKeyId)).toString("utf8"),
      principal: {
        kind: "iam-user",
        accountId: u.accountId,
        arn: `arn:aws:iam::${u.accountId}:user/${u.name}`,
        userId: u.userId,
        iamUserName: u.name,
        tags: {},
        transitiveTagKeys: [],
        mfa: false,
        chained: false,
      },
    });
  }
}

export function aad(accessKeyId: string): string {
  return `sts-session:${accessKeyId}`;
}

export function accessKeyAad(accessKeyId: string): string {
  return `iam-access-key:${accessKeyId}`;
}

/** Constant-time comparison of a presented session token with the stored hash. */
export function sessionTokenMatches(given: string, hash: Buffer): boolean {
  const d = sessionTokenHash(given);
  return d.length === hash.length && timingSafeEqual(d, hash);
}

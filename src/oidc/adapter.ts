// oidc-provider's storage over our database: one table (oidc_artifacts) keyed by model + id, with
// the lookup columns copied out of the payload. Every call is one statement, so any instance
// sharing the database can serve any step of a flow. Clients are read from the directory instead.
import { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import type { ClientSource } from "./clients.ts";
import type { RawSql } from "../db/index.ts";
import { GRANT_FROM_SESSION, grantOrigin, grantRefused } from "./grant-origin.ts";
import { conditionalUpsert, UpsertBatcher } from "./upsert-batch.ts";

/** expired device codes stay readable this long, so a late poll hears expired_token */
const EXPIRED_DEVICE_CODE_GRACE = 3600;

const LIVE = "(expires_at IS NULL OR expires_at > now())";

/** Marks a code or refresh token used, unless something already did: at most one caller gets a row. */
const CONSUME = "UPDATE oidc_artifacts SET consumed = now() WHERE model = $1 AND id = $2 AND consumed IS NULL";
/**
 * Every artifact of the grant the given one belongs to, the Grant itself included; answers the id of
 * the Grant row it deleted (none when another loser of the same race got there first).
 */
const REVOKE_GRANT_OF = `WITH g AS (SELECT grant_id FROM oidc_artifacts WHERE model = $1 AND id = $2 AND grant_id IS NOT NULL),
  d AS (DELETE FROM oidc_artifacts WHERE grant_id IN (SELECT grant_id FROM g) OR (model = 'Grant' AND id IN (SELECT grant_id FROM g)) RETURNING model, id)
  SELECT id FROM d WHERE model = 'Grant'`;
const GRANT_UPSERT = conditionalUpsert(GRANT_FROM_SESSION);
/** the provider's own answer to a reused one, per model */
const REUSED: Record<string, () => Error> = {
  AuthorizationCode: () => new errors.InvalidGrant("authorization code already consumed"),
  RefreshToken: () => new errors.InvalidGrant("refresh token already used"),
  DeviceCode: () => new errors.InvalidGrant("device code already consumed"),
  PushedAuthorizationRequest: () => new errors.InvalidRequestUri("request_uri is invalid, expired, or was already used"),
};

/**
 * Models saved once under a fresh random id and never re-saved: safe to batch (upsert-batch.ts).
 * Sessions, interactions, grants and device codes are re-saved as a flow moves on; they go one
 * statement at a time so two saves of one row cannot overtake each other.
 */
const BATCHED = new Set(["ClientCredentials", "AccessToken", "AuthorizationCode", "RefreshToken"]);

interface Row {
  payload: AdapterPayload;
  consumed: Date | null;
}

/**
 * `onRaceRevoked` hears of each grant consume() revokes for a lost race, so it is audited like the
 * grants the provider revokes itself (events.ts grantRevokedByAdapter).
 */
export function adapterFactory(sql: RawSql, clients: ClientSource, onRaceRevoked: (grantId: string) => void = () => {}): new (name: string) => Adapter {
  const batcher = new UpsertBatcher(sql);
  return class SqlAdapter implements Adapter {
    constructor(readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const grace = this.name === "DeviceCode" ? EXPIRED_DEVICE_CODE_GRACE : 0;
      const expiresAt = expiresIn ? new Date(Date.now() + (expiresIn + grace) * 1000) : null;
      // Grants are listed per account on the home page (remembered consent)
      const isGrant = this.name === "Grant";
      const params = [
        this.name,
        id,
        JSON.stringify(payload),
        payload.grantId ?? null,
        payload.userCode ?? null,
        payload.uid ?? null,
        isGrant ? (payload.accountId ?? null) : null,
        isGrant ? (payload.clientId ?? null) : null,
        expiresAt,
      ];
      const from = isGrant ? grantOrigin() : undefined;
      if (from) {
        // a grant made from a web session lands only while that session's access stands (grant-origin.ts)
        if ((await sql.execute(GRANT_UPSERT, [...params, from.sessionId])) !== 1) throw grantRefused();
      } else if (BATCHED.has(this.name)) await batcher.upsert(params);
      else await batcher.upsertAlone(params);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === "Client") return clients.metadata(id);
      return one(await sql.query<Row>(`SELECT payload, consumed FROM oidc_artifacts WHERE model = $1 AND id = $2 AND ${LIVE}`, [this.name, id]));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return one(await sql.query<Row>(`SELECT payload, consumed FROM oidc_artifacts WHERE user_code = $1 AND model = $2 AND ${LIVE}`, [userCode, this.name]));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return one(await sql.query<Row>(`SELECT payload, consumed FROM oidc_artifacts WHERE uid = $1 AND model = $2 AND ${LIVE}`, [uid, this.name]));
    }

    /**
     * The provider reads a code or refresh token, sees it unused, then consumes it: two concurrent
     * redemptions both pass that read. Only the UPDATE that flips `consumed` wins; the loser is a
     * replay and is answered as the provider answers a sequential one (RFC 6749 §4.1.2): the grant
     * is revoked, the winner's tokens with it, and the token endpoint says invalid_grant. The winner
     * (every ordinary request) pays one UPDATE; only the loser's path learns and reports the grant.
     */
    async consume(id: string): Promise<void> {
      if ((await sql.execute(CONSUME, [this.name, id])) === 1) return;
      const [revoked] = await sql.query<{ id: string }>(REVOKE_GRANT_OF, [this.name, id]);
      if (revoked) onRaceRevoked(revoked.id);
      throw (REUSED[this.name] ?? (() => new errors.InvalidGrant("grant already used")))();
    }

    async destroy(id: string): Promise<void> {
      await sql.execute("DELETE FROM oidc_artifacts WHERE model = $1 AND id = $2", [this.name, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // every artifact of the grant (codes, access and refresh tokens, ...), whatever its model
      await sql.execute("DELETE FROM oidc_artifacts WHERE grant_id = $1", [grantId]);
    }
  };
}

function one(rows: Row[]): AdapterPayload | undefined {
  const row = rows[0];
  if (!row) return undefined;
  // consumed lives in its own column so consume() is a one-column update; the provider reads it
  // from the payload (any truthy value means "already used")
  return row.consumed ? { ...row.payload, consumed: Math.floor(row.consumed.getTime() / 1000) } : row.payload;
}

/** Deletes expired artifacts; reads already ignore them, this only reclaims space. */
export async function sweepExpired(sql: RawSql): Promise<number> {
  return sql.execute("DELETE FROM oidc_artifacts WHERE expires_at <= now()", []);
}

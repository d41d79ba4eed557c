// oidc-provider's storage over our database: one table (oidc_artifacts) keyed by model + id, with
// the lookup columns copied out of the payload. Every call is one statement, so any instance
// sharing the database can serve any step of a flow. Clients are read from the directory instead.
// Raw SQL: this is the token endpoint's hot path, and Prisma's query compiler costs more CPU than
// the statement itself (STACK.md).
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { ClientSource } from "./clients.ts";

const EXPIRED_DEVICE_CODE_GRACE = 3600;

interface Row {
  payload: AdapterPayload;
  consumed: Date | null;
}

export function adapterFactory(prisma: PrismaClient, clients: ClientSource): new (name: string) => Adapter {
  return class PrismaAdapter implements Adapter {
    constructor(readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      // expired device codes stay readable a while, so a late poll hears expired_token
      const grace = this.name === "DeviceCode" ? EXPIRED_DEVICE_CODE_GRACE : 0;
      const expiresAt = expiresIn ? new Date(Date.now() + (expiresIn + grace) * 1000) : null;
      const grantId = payload.grantId ?? null;
      const userCode = payload.userCode ?? null;
      const uid = payload.uid ?? null;
      // Grants are listed per account on the home page (remembered consent)
      const accountId = this.name === "Grant" ? (payload.accountId ?? null) : null;
      const clientId = this.name === "Grant" ? (payload.clientId ?? null) : null;
      const json = JSON.stringify(payload);
      await prisma.$executeRaw`
        INSERT INTO oidc_artifacts (model, id, payload, grant_id, user_code, uid, account_id, client_id, expires_at)
        VALUES (${this.name}, ${id}, ${json}::jsonb, ${grantId}, ${userCode}, ${uid}, ${accountId}, ${clientId}, ${expiresAt})
        ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
          user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, account_id = EXCLUDED.account_id,
          client_id = EXCLUDED.client_id, expires_at = EXCLUDED.expires_at`;
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === "Client") return clients.metadata(id);
      const rows = await prisma.$queryRaw<Row[]>`
        SELECT payload, consumed FROM oidc_artifacts
        WHERE model = ${this.name} AND id = ${id} AND (expires_at IS NULL OR expires_at > now())`;
      return toPayload(rows[0]);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const rows = await prisma.$queryRaw<Row[]>`
        SELECT payload, consumed FROM oidc_artifacts
        WHERE user_code = ${userCode} AND model = ${this.name} AND (expires_at IS NULL OR expires_at > now())`;
      return toPayload(rows[0]);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const rows = await prisma.$queryRaw<Row[]>`
        SELECT payload, consumed FROM oidc_artifacts
        WHERE uid = ${uid} AND model = ${this.name} AND (expires_at IS NULL OR expires_at > now())`;
      return toPayload(rows[0]);
    }

    async consume(id: string): Promise<void> {
      await prisma.$executeRaw`UPDATE oidc_artifacts SET consumed = now() WHERE model = ${this.name} AND id = ${id}`;
    }

    async destroy(id: string): Promise<void> {
      await prisma.$executeRaw`DELETE FROM oidc_artifacts WHERE model = ${this.name} AND id = ${id}`;
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // every artifact of the grant (codes, access and refresh tokens, ...), whatever its model
      await prisma.$executeRaw`DELETE FROM oidc_artifacts WHERE grant_id = ${grantId}`;
    }
  };
}

function toPayload(row: Row | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  // consumed lives in its own column so consume() is a one-column update; the provider reads it
  // from the payload (any truthy value means "already used")
  return row.consumed ? { ...row.payload, consumed: Math.floor(row.consumed.getTime() / 1000) } : row.payload;
}

/** Deletes expired artifacts; reads already ignore them, this only reclaims space. */
export async function sweepExpired(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`DELETE FROM oidc_artifacts WHERE expires_at <= now()`;
}

// Writes to signing_keys. Every change of state runs in one transaction that first takes a
// transaction-scoped advisory lock, so instances booting or rotating at the same moment take
// turns and each re-reads the state the previous one committed (no second active key).
// pg_notify in the same transaction is delivered on commit only, and not at all on rollback.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { CryptoBox } from "./crypto-box.ts";
import type { GeneratedKey } from "./generate.ts";
import { privateKeyAad, type KeyState } from "./material.ts";

export type Tx = Prisma.TransactionClient;

export const NOTIFY_CHANNEL = "idp_keys";

/** Two-key advisory lock (a key space apart from the migrator's one-key lock): "idp", keys. */
const LOCK_SQL = "SELECT pg_advisory_xact_lock(7301958, 2)";

/** RSA key generation happens before the transaction; the lock wait is what this bounds. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 60_000 };

export function withKeyLock<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(LOCK_SQL);
    return fn(tx);
  }, TX_OPTIONS);
}

export async function insertKey(tx: Tx, box: CryptoBox, key: GeneratedKey, state: KeyState, now: Date): Promise<void> {
  await tx.signingKey.create({
    data: {
      kid: key.kid,
      state,
      alg: "RS256",
      publicJwk: key.publicJwk as unknown as Prisma.InputJsonValue,
      certificatePem: key.certificatePem,
      privateKeyEnc: box.seal(key.privateKeyDer, privateKeyAad(key.kid)),
      createdAt: now,
      activatedAt: state === "active" ? now : null,
    },
  });
}

/** Current active and next keys, oldest first. */
export function liveKeys(db: Tx | PrismaClient): Promise<{ kid: string; state: string }[]> {
  return db.signingKey.findMany({ where: { state: { in: ["active", "next"] } }, select: { kid: true, state: true }, orderBy: { createdAt: "asc" } });
}

export async function notifyKeysChanged(tx: Tx, payload: Record<string, unknown>): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${NOTIFY_CHANNEL}, ${JSON.stringify(payload)})`;
}

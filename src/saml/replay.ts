// One-time use of request IDs across every instance: the first INSERT of "<issuer>\n<ID>" wins,
// any later one finds the row and is a replay. Rows carry the time after which the request would
// be refused as stale anyway, and are swept after that.
import { createHash } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";

export class ReplayCache {
  constructor(private readonly prisma: PrismaClient) {}

  /** true the first time this (issuer, id) is seen; false for a replay. */
  async claim(kind: string, issuer: string, id: string, expiresAt: Date): Promise<boolean> {
    const key = createHash("sha256").update(`${kind}\n${issuer}\n${id}`).digest("hex");
    const n = await this.prisma.$executeRaw`
      INSERT INTO saml_message_ids (key, expires_at) VALUES (${key}, ${expiresAt}::timestamptz) ON CONFLICT (key) DO NOTHING`;
    return n === 1;
  }

  async sweep(now = new Date()): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM saml_message_ids WHERE expires_at < ${now}::timestamptz`;
  }
}

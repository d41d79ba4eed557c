// Remembered consents, as the signed-in user sees them on the home page: the live Grant rows of
// their account, one per client. Withdrawing one deletes the grant and every token issued under it
// (refresh tokens stop working at once; opaque access tokens too).
import { Router } from "express";
import type { AuditLog } from "../audit/index.ts";
import { formBody, requireCsrf, requireUser } from "../auth/index.ts";
import type { RawSql } from "../db/index.ts";
import type { DirectoryService } from "../directory/index.ts";
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";

export interface Consent {
  grantId: string;
  clientId: string;
  clientName: string;
  scopes: string[];
}

/** the home page's list, on every visit to it: a named statement, Prisma's pipeline costs more than the query */
const LIST = {
  name: "oidc_consents_list",
  text: `SELECT id, client_id, payload FROM oidc_artifacts
    WHERE account_id = $1 AND model = 'Grant' AND (expires_at IS NULL OR expires_at > now())
    ORDER BY client_id`,
};

export class ConsentStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: RawSql,
    private readonly directory: DirectoryService,
  ) {}

  async list(accountId: string): Promise<Consent[]> {
    const rows = await this.sql.query<{ id: string; client_id: string; payload: { openid?: { scope?: string } } }>(LIST, [accountId]);
    const snapshot = await this.directory.snapshot();
    return rows.map((r) => ({
      grantId: r.id,
      clientId: r.client_id,
      clientName: snapshot.clientByClientId.get(r.client_id)?.name ?? r.client_id,
      scopes: (r.payload.openid?.scope ?? "").split(" ").filter((s) => s && s !== "openid"),
    }));
  }

  /** The account's live grant for a client (remembered consent across browser sessions). */
  async grantIdFor(accountId: string, clientId: string): Promise<string | undefined> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM oidc_artifacts
      WHERE account_id = ${accountId} AND model = 'Grant' AND client_id = ${clientId} AND (expires_at IS NULL OR expires_at > now())
      ORDER BY expires_at DESC NULLS FIRST LIMIT 1`;
    return rows[0]?.id;
  }

  /** Deletes the grant and everything issued under it; false when it is not this account's. */
  async revoke(accountId: string, grantId: string): Promise<boolean> {
    return (await this.deleteGrants(Prisma.sql`account_id = ${accountId} AND id = ${grantId}`)) === 1;
  }

  /**
   * Deletes every grant of the account and everything issued under them ("sign out everywhere"):
   * refresh tokens and opaque access tokens stop working at once. Returns how many grants went.
   * Inside the caller's transaction: it goes together with the sessions and the audit event.
   */
  async revokeAll(accountId: string, tx: Prisma.TransactionClient): Promise<number> {
    return this.deleteGrants(Prisma.sql`account_id = ${accountId}`, tx);
  }

  /** The Grant rows matching `where` and every token issued under them, in one statement: a grant's tokens go with it or not at all. */
  private async deleteGrants(where: Prisma.Sql, db: Prisma.TransactionClient = this.prisma): Promise<number> {
    const rows = await db.$queryRaw<{ grants: number }[]>`
      WITH g AS (DELETE FROM oidc_artifacts WHERE model = 'Grant' AND ${where} RETURNING id),
           t AS (DELETE FROM oidc_artifacts WHERE grant_id IN (SELECT id FROM g))
      SELECT count(*)::int AS grants FROM g`;
    return rows[0]?.grants ?? 0;
  }
}

/** POST /account/consents/:grantId/revoke (from the home page's list). */
export function consentRouter(store: ConsentStore, audit: AuditLog): Router {
  const r = Router();
  r.post("/account/consents/:grantId/revoke", formBody, requireUser, requireCsrf, async (req, res) => {
    const user = res.locals.user!;
    const grantId = String(req.params.grantId);
    const ok = await store.revoke(user.id, grantId);
    await audit.record({ action: "oidc.consent.revoke", outcome: ok ? "success" : "failure", actor: user.username, target: grantId });
    res.redirect(303, "/");
  });
  return r;
}

// Append-only audit events, CloudTrail-shaped (time, actor, action, target, outcome, source IP,
// request id, details). UPDATE/DELETE are refused by a database trigger (init migration).
import { prismaRawSql, type RawSql } from "../db/index.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { currentContext } from "../http/request-context.ts";

export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditEventInput {
  /** who acted: a username, "system", "cli", or "anonymous" */
  actor?: string;
  /** dotted verb, e.g. "login.success", "directory.user.create", "keys.rotate" */
  action: string;
  target?: string;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
  sourceIp?: string;
  requestId?: string;
}

export interface AuditEvent {
  id: string;
  time: Date;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  sourceIp: string | null;
  requestId: string | null;
  details: unknown;
}

export interface AuditQuery {
  from?: Date;
  to?: Date;
  actor?: string;
  /** exact action, or a prefix ending in "." / "*" (e.g. "login.") */
  action?: string;
  outcome?: AuditOutcome;
  /** return events with id lower than this (paging backwards in time) */
  before?: string;
  limit?: number;
}

type Writer = Pick<PrismaClient, "$executeRawUnsafe"> | Prisma.TransactionClient;

/** Logins and SSO each write one event: a named statement, as Prisma's query pipeline costs more CPU than the insert. */
const INSERT = {
  name: "audit_insert",
  text: `INSERT INTO audit_events (actor, action, target, outcome, source_ip, request_id, details)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
};

export class AuditLog {
  readonly #sql: RawSql;

  /** `sql`: the hot paths' raw SQL (Database.sql); Prisma's raw queries when not given */
  constructor(
    private readonly prisma: PrismaClient,
    sql?: RawSql,
  ) {
    this.#sql = sql ?? prismaRawSql(prisma);
  }

  /** Record an event; pass `tx` to make it part of the caller's transaction (all or nothing). */
  async record(e: AuditEventInput, tx?: Writer): Promise<void> {
    const ctx = currentContext();
    const values = [e.actor ?? ctx?.actor ?? "anonymous", e.action, e.target ?? null, e.outcome, e.sourceIp ?? ctx?.ip ?? null, e.requestId ?? ctx?.requestId ?? null, JSON.stringify(e.details ?? {})];
    if (tx) await tx.$executeRawUnsafe(INSERT.text, ...values);
    else await this.#sql.execute(INSERT, values);
  }

  async query(q: AuditQuery = {}): Promise<AuditEvent[]> {
    const action = q.action?.replace(/\*$/, "");
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        time: { gte: q.from, lt: q.to },
        actor: q.actor,
        outcome: q.outcome,
        action: action === undefined ? undefined : action.endsWith(".") ? { startsWith: action } : action,
        id: q.before ? { lt: BigInt(q.before) } : undefined,
      },
      orderBy: { id: "desc" },
      take: Math.min(Math.max(q.limit ?? 100, 1), 1000),
    });
    return rows.map((r) => ({ ...r, id: r.id.toString() }));
  }
}

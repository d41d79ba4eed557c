// STS sessions for the admin pages and API: the temporary credentials the local STS issued (no
// secret, no token hash ever leaves this module: rows are read with an explicit select), filters
// and paging, revoking one session, and AWS's "revoke active sessions" for a role (every session
// of the role issued before now is denied). The STS service does not audit revocations itself, so
// each revocation is one audit event here, with the acting admin (or API client) as the actor.
import type { AuditLog } from "../audit/index.ts";
import { roleArnProblem } from "../directory/index.ts";
import { Invalid, NotFound } from "../errors.ts";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { StsService } from "../sts/index.ts";

export const STS_SESSION_KINDS = ["role", "federated", "user"] as const;
export type StsSessionKind = (typeof STS_SESSION_KINDS)[number];
export type StsSessionStatus = "active" | "expired" | "revoked" | "revoked-by-role";

export interface StsSessionView {
  accessKeyId: string;
  kind: string;
  status: StsSessionStatus;
  accountId: string;
  arn: string;
  userId: string;
  roleArn: string | null;
  iamUserName: string | null;
  sessionName: string | null;
  sourceIdentity: string | null;
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  mfa: boolean;
  chained: boolean;
  issuedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface StsRoleRevocationView {
  roleArn: string;
  revokedBefore: Date;
}

export interface StsSessionQuery {
  /** exact role ARN */
  roleArn?: string;
  /** case-insensitive substring of the session name or the caller ARN */
  search?: string;
  kind?: StsSessionKind;
  /** also list expired and revoked sessions (default: only the ones that still work) */
  includeInactive?: boolean;
  offset?: number;
  limit?: number;
}

export const MAX_LIMIT = 200;

/** Every column but secret_enc and token_hash. */
const SELECT = {
  accessKeyId: true, kind: true, accountId: true, arn: true, userId: true, roleArn: true, iamUserName: true, sessionName: true,
  sourceIdentity: true, tags: true, transitiveTagKeys: true, mfa: true, chained: true, issuedAt: true, expiresAt: true, revokedAt: true,
} as const satisfies Prisma.StsSessionSelect;

type Row = Prisma.StsSessionGetPayload<{ select: typeof SELECT }>;

const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** The filters of a query string (?roleArn=&q=&kind=&all=) as typed, for redrawing the form. */
export function filtersOf(q: Record<string, unknown>) {
  return { roleArn: str(q.roleArn), q: str(q.q).slice(0, 200), kind: str(q.kind), all: ["1", "true", "on"].includes(str(q.all)) };
}

/** Typed filters → a query, or Invalid naming the bad field (roleArn, kind). */
export function sessionQuery(f: ReturnType<typeof filtersOf>, paging: { offset?: number; limit?: number } = {}): StsSessionQuery {
  const fields: Record<string, string> = {};
  if (f.roleArn) {
    const p = roleArnProblem(f.roleArn);
    if (p) fields.roleArn = p;
  }
  if (f.kind && !(STS_SESSION_KINDS as readonly string[]).includes(f.kind)) fields.kind = `Choose ${STS_SESSION_KINDS.join(", ")} or any.`;
  if (Object.keys(fields).length) throw new Invalid("Check the filters.", fields);
  return {
    roleArn: f.roleArn || undefined, search: f.q || undefined, kind: (f.kind || undefined) as StsSessionKind | undefined,
    includeInactive: f.all, ...paging,
  };
}

/** A role ARN typed into a form or sent in a body, or Invalid on the field "roleArn". */
export function checkRoleArn(v: unknown): string {
  const arn = typeof v === "string" ? v.trim() : v;
  const p = roleArnProblem(arn);
  if (p) throw new Invalid(`Role ARN: ${p}`, { roleArn: p });
  return arn as string;
}

export class StsSessionAdmin {
  constructor(private readonly s: { prisma: PrismaClient; sts: Pick<StsService, "revokeSession" | "revokeOlderSessions">; audit: AuditLog; now?: () => Date }) {}

  private now(): Date {
    return this.s.now?.() ?? new Date();
  }

  async revocations(roleArn?: string): Promise<StsRoleRevocationView[]> {
    const rows = await this.s.prisma.stsRoleRevocation.findMany({ where: roleArn ? { roleArn } : {}, orderBy: { roleArn: "asc" }, take: 1000 });
    return rows.map((r) => ({ roleArn: r.roleArn, revokedBefore: r.revokedBefore }));
  }

  /** Newest first; `total` counts every match. */
  async list(q: StsSessionQuery): Promise<{ total: number; sessions: StsSessionView[] }> {
    const now = this.now();
    const revocations = await this.revocations();
    const and: Prisma.StsSessionWhereInput[] = [];
    if (q.roleArn) and.push({ roleArn: q.roleArn });
    if (q.kind) and.push({ kind: q.kind });
    if (q.search) and.push({ OR: [{ sessionName: { contains: q.search, mode: "insensitive" } }, { arn: { contains: q.search, mode: "insensitive" } }] });
    if (!q.includeInactive) {
      and.push({ revokedAt: null, expiresAt: { gt: now } });
      // sessions denied by their role's "revoke older sessions" instant no longer count as active
      for (const r of revocations) and.push({ OR: [{ roleArn: null }, { roleArn: { not: r.roleArn } }, { issuedAt: { gte: r.revokedBefore } }] });
    }
    const where: Prisma.StsSessionWhereInput = { AND: and };
    const limit = Math.min(Math.max(q.limit ?? 50, 1), MAX_LIMIT);
    const [total, rows] = await Promise.all([
      this.s.prisma.stsSession.count({ where }),
      this.s.prisma.stsSession.findMany({ where, select: SELECT, orderBy: [{ issuedAt: "desc" }, { accessKeyId: "asc" }], skip: Math.max(q.offset ?? 0, 0), take: limit }),
    ]);
    const before = new Map(revocations.map((r) => [r.roleArn, r.revokedBefore]));
    return { total, sessions: rows.map((r) => view(r, now, before)) };
  }

  async get(accessKeyId: string): Promise<StsSessionView> {
    const row = await this.find(accessKeyId);
    const revs = row.roleArn ? await this.revocations(row.roleArn) : [];
    return view(row, this.now(), new Map(revs.map((r) => [r.roleArn, r.revokedBefore])));
  }

  /** Ends one session now (idempotent: an already revoked session stays as it is, no new event). */
  async revoke(accessKeyId: string, actor: string): Promise<StsSessionView> {
    const row = await this.find(accessKeyId);
    if (await this.s.sts.revokeSession(accessKeyId)) {
      await this.s.audit.record({
        actor, action: "sts.revoke.session", target: accessKeyId, outcome: "success",
        details: { arn: row.arn, roleArn: row.roleArn, sessionName: row.sessionName, kind: row.kind },
      });
    }
    return this.get(accessKeyId);
  }

  /** AWS "revoke active sessions": the role's sessions issued before now are denied from now on. */
  async revokeOlder(roleArn: unknown, actor: string): Promise<StsRoleRevocationView> {
    const arn = checkRoleArn(roleArn);
    const at = this.now();
    await this.s.sts.revokeOlderSessions(arn, at);
    await this.s.audit.record({ actor, action: "sts.revoke.older-sessions", target: arn, outcome: "success", details: { before: at.toISOString() } });
    return { roleArn: arn, revokedBefore: at };
  }

  private async find(accessKeyId: string): Promise<Row> {
    const id = typeof accessKeyId === "string" ? accessKeyId.trim() : "";
    const row = /^[A-Z0-9]{16,128}$/.test(id) ? await this.s.prisma.stsSession.findUnique({ where: { accessKeyId: id }, select: SELECT }) : null;
    if (!row) throw new NotFound(`No STS session has the access key id "${id.slice(0, 128)}".`);
    return row;
  }
}

function view(r: Row, now: Date, revokedBefore: ReadonlyMap<string, Date>): StsSessionView {
  const cut = r.roleArn ? revokedBefore.get(r.roleArn) : undefined;
  const status: StsSessionStatus = r.revokedAt
    ? "revoked"
    : r.expiresAt.getTime() <= now.getTime()
    ? "expired"
    : cut && r.issuedAt.getTime() < cut.getTime()
    ? "revoked-by-role"
    : "active";
  const tags = r.tags && typeof r.tags === "object" && !Array.isArray(r.tags) ? (r.tags as Record<string, string>) : {};
  return { ...r, status, tags };
}

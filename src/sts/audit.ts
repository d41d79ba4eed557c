// Every STS call becomes one CloudTrail-shaped audit event (eventName, userIdentity,
// requestParameters, responseElements, errorCode/errorMessage, sourceIPAddress, userAgent…).
// Events are written in batches: one multi-row INSERT (jsonb_to_recordset) per flush, at most
// FLUSH_MS after the first queued event, so the STS hot path costs one INSERT (the session) plus a
// share of a batched one. The router calls onAudit after the response is sent; close() flushes.
import type { RawSql } from "../db/index.ts";
import type { StsAuditEvent, StsLogger } from "./protocol/index.ts";

const FLUSH_MS = 25;
const MAX_BATCH = 500;
/** beyond this many queued events new ones are dropped (and counted in the log), never the process */
const MAX_QUEUE = 50_000;

const INSERT_BATCH = {
  name: "sts_audit_insert",
  text: `INSERT INTO audit_events (actor, action, target, outcome, source_ip, request_id, details)
    SELECT actor, action, target, outcome, source_ip, request_id, details
    FROM jsonb_to_recordset($1::jsonb)
      AS x(actor text, action text, target text, outcome text, source_ip text, request_id text, details jsonb)`,
};

const SECRET_DETAILS = new Set(["SAMLAssertion", "WebIdentityToken"]);

interface Row {
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  source_ip: string | null;
  request_id: string;
  details: Record<string, unknown>;
}

export class StsAuditWriter {
  #queue: Row[] = [];
  #timer?: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();
  #dropped = 0;

  constructor(
    /** the batch INSERT (Database.sql: Prisma would compile every batch, its JSON parameter included) */
    private readonly sql: RawSql,
    private readonly logger?: StsLogger,
  ) {}

  record(e: StsAuditEvent): void {
    if (this.#queue.length >= MAX_QUEUE) {
      this.#dropped++;
      return;
    }
    this.#queue.push(toRow(e));
    if (this.#queue.length >= MAX_BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(() => this.write(batch));
    return this.#flushing;
  }

  private async write(batch: Row[]): Promise<void> {
    try {
      await this.sql.execute(INSERT_BATCH, [JSON.stringify(batch)]);
      if (this.#dropped > 0) {
        this.logger?.error({ dropped: this.#dropped }, "STS audit queue overflowed; events were dropped");
        this.#dropped = 0;
      }
    } catch (err) {
      this.logger?.error({ err, events: batch.length }, "STS audit batch could not be written");
    }
  }
}

function toRow(e: StsAuditEvent): Row {
  const d = { ...(e.details ?? {}) } as Record<string, unknown>;
  for (const k of SECRET_DETAILS) delete d[k];
  const identity = d.userIdentity as { arn?: string } | undefined;
  const { userIdentity, accessKeyIdIssued, expiration, assumedRoleArn, trustDecision, ...requestParameters } = d;
  const details = {
    eventVersion: "1.08",
    eventSource: "sts.amazonaws.com",
    eventName: e.action ?? "Unknown",
    eventType: "AwsApiCall",
    eventTime: new Date().toISOString(),
    awsRegion: e.region ?? "us-east-1",
    sourceIPAddress: e.sourceIp,
    userAgent: e.userAgent,
    userIdentity: userIdentity ?? { type: e.action?.startsWith("AssumeRoleWith") ? (e.action === "AssumeRoleWithSAML" ? "SAMLUser" : "WebIdentityUser") : "Unknown" },
    requestParameters,
    responseElements: accessKeyIdIssued
      ? { credentials: { accessKeyId: accessKeyIdIssued, expiration }, assumedRoleUser: assumedRoleArn ? { arn: assumedRoleArn } : undefined }
      : null,
    ...(trustDecision ? { trustPolicyDecision: trustDecision } : {}),
    ...(e.errorCode ? { errorCode: e.errorCode, errorMessage: e.errorMessage } : {}),
    httpStatus: e.httpStatus,
    requestID: e.requestId,
  };
  const target = (d.roleArn as string | undefined) ?? (d.name as string | undefined) ?? null;
  return {
    actor: identity?.arn ?? (d.subject ? String(d.subject) : "anonymous"),
    action: `sts.${e.action ?? "unknown"}`,
    target,
    outcome: e.outcome,
    source_ip: e.sourceIp ?? null,
    request_id: e.requestId,
    details,
  };
}

// /admin/audit: the audit log with filters (actor, action or "prefix.", outcome, time range), newest
// first, paged backwards by event id.
import { Router, type Request } from "express";
import type { AuditOutcome, AuditQuery } from "../../audit/index.ts";
import { Invalid } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { adminPage } from "../render.ts";

const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** Query string → AuditQuery, or Invalid naming the bad filter. */
export function auditQuery(q: Request["query"], limit = 100): AuditQuery {
  const fields: Record<string, string> = {};
  const time = (name: string) => {
    const v = str(q[name]);
    if (!v) return undefined;
    const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(d.getTime())) fields[name] = "Enter a date and time (UTC), e.g. 2026-11-30T12:00.";
    return d;
  };
  const outcome = str(q.outcome);
  if (outcome && !["success", "failure", "denied"].includes(outcome)) fields.outcome = "Choose success, failure or denied.";
  const before = str(q.before);
  if (before && !/^\d{1,18}$/.test(before)) fields.before = "Invalid page marker.";
  const out: AuditQuery = {
    actor: str(q.actor) || undefined, action: str(q.action) || undefined, outcome: (outcome || undefined) as AuditOutcome | undefined,
    from: time("from"), to: time("to"), before: before || undefined, limit,
  };
  if (Object.keys(fields).length) throw new Invalid("Check the filters.", fields);
  return out;
}

export function auditPages(s: Services): Router {
  const r = Router();
  r.get("/audit", async (req, res) => {
    const filters = { actor: str(req.query.actor), action: str(req.query.action), outcome: str(req.query.outcome), from: str(req.query.from), to: str(req.query.to) };
    let events: Awaited<ReturnType<typeof s.audit.query>> = [];
    let fieldErrors: Record<string, string> = {};
    try {
      events = await s.audit.query(auditQuery(req.query, 50));
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      fieldErrors = err.fields;
    }
    const last = events.length === 50 ? events[events.length - 1]!.id : undefined;
    const next = last ? `/admin/audit?${new URLSearchParams({ ...filters, before: last }).toString()}` : undefined;
    adminPage(s.render, req, res, "audit", { title: "Audit log", events, filters, fieldErrors, next }, Object.keys(fieldErrors).length ? 400 : 200);
  });
  return r;
}

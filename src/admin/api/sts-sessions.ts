// /api/admin STS sessions: list with filters and paging, one session, revoke one, and the role
// revocations ("revoke older sessions"). Secrets and token hashes are never part of a session.
import { Router } from "express";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { MAX_LIMIT, StsSessionAdmin, checkRoleArn, filtersOf, sessionQuery } from "../sts-sessions.ts";
import { body, param } from "./http.ts";

const num = (v: unknown) => (typeof v === "string" && /^\d{1,9}$/.test(v) ? Number(v) : undefined);

export function stsSessionsApi(s: Services): Router {
  const r = Router();
  const sessions = new StsSessionAdmin({ prisma: s.db.prisma, sts: s.sts, audit: s.audit });

  // ?roleArn=&q=&kind=role|federated|user&all=true&offset=&limit=
  r.get("/sts-sessions", async (req, res) => {
    const limit = Math.min(num(req.query.limit) ?? 50, MAX_LIMIT);
    res.json(await sessions.list(sessionQuery(filtersOf(req.query), { offset: num(req.query.offset), limit })));
  });
  r.get("/sts-sessions/:accessKeyId", async (req, res) => {
    res.json(await sessions.get(param(req, "accessKeyId")));
  });
  r.post("/sts-sessions/:accessKeyId/revoke", async (req, res) => {
    res.json(await sessions.revoke(param(req, "accessKeyId"), actorOf(res)));
  });

  r.get("/sts-role-revocations", async (req, res) => {
    const roleArn = typeof req.query.roleArn === "string" && req.query.roleArn.trim() ? checkRoleArn(req.query.roleArn) : undefined;
    res.json({ revocations: await sessions.revocations(roleArn) });
  });
  r.post("/sts-role-revocations", async (req, res) => {
    res.json(await sessions.revokeOlder(body(req).roleArn, actorOf(res)));
  });
  return r;
}

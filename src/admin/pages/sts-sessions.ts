// /admin/sts-sessions: the STS sessions (temporary credentials) with filters (role ARN, session
// name or ARN, kind, expired/revoked too) and paging; revoke one session now; "revoke older
// sessions" for a role (AWS's "revoke active sessions") with the role's current revocation instant.
import { Router, type Request, type Response } from "express";
import { Invalid } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { text } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";
import { STS_SESSION_KINDS, StsSessionAdmin, filtersOf, sessionQuery } from "../sts-sessions.ts";

const PAGE_SIZE = 25;

export function stsSessionPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const sessions = new StsSessionAdmin({ prisma: s.db.prisma, sts: s.sts, audit: s.audit });

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const filters = filtersOf(req.query);
    const pageNo = Math.max(1, Math.min(Number.parseInt(String(req.query.page ?? "1"), 10) || 1, 100_000));
    let result: Awaited<ReturnType<StsSessionAdmin["list"]>> = { total: 0, sessions: [] };
    let fieldErrors: Record<string, string> = {};
    try {
      result = await sessions.list(sessionQuery(filters, { offset: (pageNo - 1) * PAGE_SIZE, limit: PAGE_SIZE }));
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      fieldErrors = err.fields;
      status = Math.max(status, 400);
    }
    const revocations = await sessions.revocations();
    const query = (page: number) =>
      new URLSearchParams({ roleArn: filters.roleArn, q: filters.q, kind: filters.kind, ...(filters.all ? { all: "1" } : {}), page: String(page) }).toString();
    const revokeForm = { roleArn: fieldErrors.roleArn ? "" : filters.roleArn };
    adminPage(s.render, req, res, "sts-sessions", {
      title: "STS sessions", filters, kinds: STS_SESSION_KINDS, ...result, pageNo, pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
      prev: pageNo > 1 ? `/admin/sts-sessions?${query(pageNo - 1)}` : undefined,
      next: pageNo * PAGE_SIZE < result.total ? `/admin/sts-sessions?${query(pageNo + 1)}` : undefined,
      revocations, filterErrors: fieldErrors, fieldErrors: {}, revokeForm, back: `/admin/sts-sessions?${query(pageNo)}`,
      notice: noticeOf(req), ...extra,
    }, status);
  };

  // back to the list the admin was looking at (only our own relative URL is accepted)
  const backTo = (req: Request) => {
    const b = text(req, "back");
    return /^\/admin\/sts-sessions(\?[^\s#]*)?$/.test(b) ? b : "/admin/sts-sessions";
  };

  r.get("/sts-sessions", (req, res) => listPage(req, res));
  r.post("/sts-sessions/revoke-older", ...write, async (req, res) => {
    const roleArn = text(req, "roleArn");
    await formAction(res, async () => {
      await sessions.revokeOlder(roleArn, actorOf(res));
      done(res, `/admin/sts-sessions?${new URLSearchParams({ roleArn: roleArn.trim(), q: "", kind: "" }).toString()}`, "revokedOlder");
    }, (status, e) => listPage(req, res, { revokeForm: { roleArn }, ...e }, status));
  });
  r.post("/sts-sessions/:accessKeyId/revoke", ...write, async (req, res) => {
    await formAction(res, async () => {
      await sessions.revoke(String(req.params.accessKeyId), actorOf(res));
      done(res, backTo(req), "revokedSession");
    }, (status, e) => listPage(req, res, e, status));
  });
  return r;
}

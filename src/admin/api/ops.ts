// /api/admin signing keys, audit log and the effective-access preview.
import { Router } from "express";
import { Invalid } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { auditQuery } from "../pages/audit.ts";
import { parseTarget } from "../pages/preview.ts";
import { computePreview } from "../preview.ts";
import { isId } from "../../directory/index.ts";

export function opsApi(s: Services): Router {
  const r = Router();
  r.get("/keys", async (_req, res) => {
    res.json({ keys: await s.keys.list() });
  });
  r.post("/keys/rotate", async (_req, res) => {
    res.json(await s.keys.rotate(actorOf(res)));
  });

  r.get("/audit", async (req, res) => {
    const limit = typeof req.query.limit === "string" && /^\d{1,4}$/.test(req.query.limit) ? Number(req.query.limit) : 100;
    res.json({ events: await s.audit.query(auditQuery(req.query, limit)) });
  });

  // ?user=<id or username>&target=saml:<entityID>|oidc:<client_id>[&role=<arn>][&mfa=true]
  r.get("/preview", async (req, res) => {
    const q = (k: string) => (typeof req.query[k] === "string" ? (req.query[k] as string) : "");
    const who = q("user");
    const user = isId(who) ? await s.directory.findUserById(who) : await s.directory.findUserByUsername(who);
    const target = parseTarget(q("target"));
    const fields: Record<string, string> = {};
    if (!user) fields.user = "No such user.";
    if (!target) fields.target = 'Use "saml:<entityID>" or "oidc:<client_id>".';
    if (!user || !target) throw new Invalid("Choose a user and an app.", fields);
    res.json(computePreview({
      user, effectiveGroups: await s.directory.effectiveGroups(user.id), snapshot: await s.directory.snapshot(), target,
      issuer: s.config.baseUrl, roleArn: q("role") || undefined, mfa: q("mfa") === "true",
    }));
  });
  return r;
}

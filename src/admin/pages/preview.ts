// /admin/preview?user=…&target=saml:<entityID>|oidc:<client_id>&role=<arn>&mfa=on
// A read: auditors may use it too. See ../preview.ts for what is computed.
import { Router } from "express";
import type { ClaimsTarget } from "../../claims/index.ts";
import { isId } from "../../directory/index.ts";
import { DomainError } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { computePreview, type Preview } from "../preview.ts";
import { adminPage } from "../render.ts";

const str = (v: unknown) => (typeof v === "string" ? v : "");

export function parseTarget(v: string): ClaimsTarget | undefined {
  const m = /^(saml|oidc):(.+)$/.exec(v);
  return m ? { kind: m[1] as "saml" | "oidc", id: m[2]! } : undefined;
}

export function previewPages(s: Services): Router {
  const r = Router();
  r.get("/preview", async (req, res) => {
    const snap = await s.directory.snapshot();
    const q = { user: str(req.query.user).trim(), target: str(req.query.target), role: str(req.query.role), mfa: req.query.mfa === "on" };
    const fieldErrors: Record<string, string> = {};
    let preview: Preview | undefined;
    let username = q.user;
    if (q.user || q.target) {
      const user = isId(q.user) ? await s.directory.findUserById(q.user) : await s.directory.findUserByUsername(q.user);
      const target = parseTarget(q.target);
      if (!user) fieldErrors.user = "No such user: enter a username.";
      else username = user.username;
      if (!target) fieldErrors.target = "Choose an app.";
      if (user && target) {
        try {
          preview = computePreview({
            user, effectiveGroups: await s.directory.effectiveGroups(user.id), snapshot: snap, target,
            issuer: s.config.baseUrl, roleArn: q.role || undefined, mfa: q.mfa,
          });
        } catch (err) {
          if (!(err instanceof DomainError) || !["invalid", "not_found"].includes(err.kind)) throw err;
          Object.assign(fieldErrors, Object.keys(err.fields).length ? err.fields : { target: err.message });
        }
      }
    }
    const targets = [
      ...snap.serviceProviders.map((sp) => [`saml:${sp.entityId}`, `SAML · ${sp.name} (${sp.entityId})`]),
      ...snap.oidcClients.map((c) => [`oidc:${c.clientId}`, `OIDC · ${c.name} (${c.clientId})`]),
    ];
    const status = Object.keys(fieldErrors).length ? 400 : 200;
    adminPage(s.render, req, res, "preview", { title: "Effective access", q: { ...q, user: username }, targets, preview, fieldErrors, json: (v: unknown) => JSON.stringify(v, null, 2) }, status);
  });
  return r;
}

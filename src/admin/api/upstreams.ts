// /api/admin/upstream-idps: the upstream IdPs (OpenID Connect or SAML 2.0) people may sign in
// through, the same service as the admin page and `idp upstream …`. No response holds a client
// secret; each row says what to register at the upstream (the OIDC redirect URI; the SAML SP
// entity ID = metadata URL, and ACS URL). Edits and deletes send the version they read.
import { Router } from "express";
import type { UpstreamIdp } from "../../auth/index.ts";
import { Invalid } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { body, param, versionOf } from "./http.ts";

const STRINGS = ["slug", "protocol", "displayName", "issuer", "clientId", "clientSecret", "usernameClaim", "metadataXml", "entityId", "ssoUrl", "usernameAttribute"] as const;
const LISTS = ["scopes", "certificates"] as const;
const FLAGS = ["enabled", "force"] as const;

/** The known fields of a body, each of its JSON type (a wrong one is a 400 naming the field, not a crash further in). */
function fieldsOf(b: Record<string, any>) {
  const out: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  const check = (keys: readonly string[], ok: (v: unknown) => boolean, message: string) => {
    for (const k of keys) if (b[k] !== undefined) ok(b[k]) ? (out[k] = b[k]) : (fields[k] = message);
  };
  check(STRINGS, (v) => typeof v === "string", "Give this as a string.");
  check(LISTS, (v) => Array.isArray(v) && v.every((x) => typeof x === "string"), "Give this as an array of strings.");
  check(FLAGS, (v) => typeof v === "boolean", "Give this as true or false.");
  if (Object.keys(fields).length) throw new Invalid(`The upstream IdP is not valid: ${Object.keys(fields).join(", ")}.`, fields);
  return out;
}

export function upstreamsApi(s: Services): Router {
  const r = Router();
  const idps = s.upstream.idps;
  const view = <T extends UpstreamIdp>(i: T) => {
    const sp = s.upstream.samlEndpoints(i.slug);
    return { ...i, register: i.protocol === "saml" ? { spEntityId: sp.entityId, spMetadataUrl: sp.entityId, acsUrl: sp.acsUrl } : { redirectUri: s.upstream.redirectUri(i.slug) } };
  };

  r.get("/upstream-idps", async (_req, res) => {
    res.json({ upstreamIdps: (await idps.list()).map(view) });
  });
  r.post("/upstream-idps", async (req, res) => {
    const f = fieldsOf(body(req));
    if (f.protocol !== "oidc" && f.protocol !== "saml") throw new Invalid("Give the protocol: oidc or saml.", { protocol: "Use oidc or saml." });
    if (f.force !== undefined) throw new Invalid("force is for an update.", { force: "Only for an update." });
    const added = await idps.add(f as never, actorOf(res));
    res.status(201).json(view({ ...added, links: 0 }));
  });
  r.get("/upstream-idps/:slug", async (req, res) => {
    res.json(view(await idps.get(param(req, "slug"))));
  });
  r.patch("/upstream-idps/:slug", async (req, res) => {
    const slug = param(req, "slug");
    await idps.update(slug, versionOf(req), fieldsOf(body(req)), actorOf(res));
    res.json(view(await idps.get(slug)));
  });
  r.delete("/upstream-idps/:slug", async (req, res) => {
    await idps.remove(param(req, "slug"), actorOf(res), versionOf(req));
    res.status(204).end();
  });
  return r;
}

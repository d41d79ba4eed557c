// /api/admin/upstream-idps: the upstream IdPs (OpenID Connect or SAML 2.0) people may sign in
// through, the same service as the admin page and `idp upstream …`. No response holds a client
// secret; each row says what to register at the upstream (the OIDC redirect URI; the SAML SP
// entity ID = metadata URL, and ACS URL). Edits and deletes send the version they read. Each IdP's
// group mappers are under /upstream-idps/{slug}/group-mappings.
import { Router } from "express";
import type { UpstreamIdp } from "../../auth/index.ts";
import { Invalid } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { body, param, pick, versionOf } from "./http.ts";

/** The fields a body may set; their JSON types are checked with the rest by the service (a wrong one is a 400 naming it). */
const FIELDS = ["slug", "protocol", "displayName", "enabled", "issuer", "clientId", "clientSecret", "scopes", "usernameClaim", "metadataXml", "entityId", "ssoUrl", "certificates", "usernameAttribute", "force"] as const;
const fieldsOf = (b: Record<string, any>) => pick(b, FIELDS);

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

  // group mappers: the upstream's claim/attribute value → a local group (auth/upstream/group-sync.ts)
  const mappings = s.upstream.groupMappings;
  r.get("/upstream-idps/:slug/group-mappings", async (req, res) => {
    res.json({ groupMappings: await mappings.list(param(req, "slug")) });
  });
  r.post("/upstream-idps/:slug/group-mappings", async (req, res) => {
    const { claim, value, group } = body(req);
    res.status(201).json(await mappings.add({ slug: param(req, "slug"), claim, value, group }, actorOf(res)));
  });
  r.delete("/upstream-idps/:slug/group-mappings/:id", async (req, res) => {
    await mappings.removeById(param(req, "slug"), param(req, "id"), actorOf(res));
    res.status(204).end();
  });
  return r;
}

// /admin/upstreams/:slug: one upstream IdP, what to register at it, and (for writers) its edit
// form: the same in-place update as `idp upstream update` and PATCH /api/admin/upstream-idps, so
// the links stay. The OIDC client secret is write-only: the field is always drawn empty, and left
// blank it keeps the stored secret. For SAML, pasted new metadata replaces the entity ID, SSO URL and
// certificates (the fields shown below it are then ignored); left blank, those fields are used.
import { Router, type Request, type Response } from "express";
import type { UpstreamIdp, UpstreamIdpChanges } from "../../auth/upstream/upstream-idps.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { checked, text, version } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";
import { splitCertificates } from "./sps.ts";

const FIELDS = ["displayName", "issuer", "clientId", "scopes", "usernameClaim", "metadataXml", "entityId", "ssoUrl", "certificates"] as const;
type EditForm = Record<(typeof FIELDS)[number], string>;

const formOf = (i: UpstreamIdp): EditForm => ({
  displayName: i.displayName, issuer: i.issuer, clientId: i.clientId ?? "", scopes: i.scopes.join(" "), usernameClaim: i.usernameClaim,
  metadataXml: "", entityId: i.issuer, ssoUrl: i.ssoUrl ?? "", certificates: i.certificates.join("\n"),
});

/** The posted form as changes for the IdP's protocol (the service refuses the other protocol's fields). */
function changesOf(req: Request, f: EditForm, protocol: string): UpstreamIdpChanges {
  const common = { displayName: f.displayName, force: checked(req, "force") || undefined };
  if (protocol === "saml") {
    const fresh = f.metadataXml.trim() !== "";
    return { ...common, usernameAttribute: f.usernameClaim.trim(), ...(fresh ? { metadataXml: f.metadataXml } : { entityId: f.entityId.trim(), ssoUrl: f.ssoUrl.trim(), certificates: splitCertificates(f.certificates) }) };
  }
  const secret = text(req, "clientSecret");
  return { ...common, issuer: f.issuer.trim(), clientId: f.clientId.trim(), scopes: f.scopes.split(/\s+/).filter(Boolean), usernameClaim: f.usernameClaim.trim(), ...(secret ? { clientSecret: secret } : {}) };
}

export function upstreamEditPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const idps = s.upstream.idps;
  const page = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const idp = await idps.get(String(req.params.slug));
    const registered = { redirectUri: s.upstream.redirectUri(idp.slug), sp: s.upstream.samlEndpoints(idp.slug) };
    adminPage(s.render, req, res, "upstream", { title: `Upstream IdP ${idp.displayName}`, idp: { ...idp, ...registered }, form: formOf(idp), notice: noticeOf(req), ...extra }, status);
  };

  r.get("/upstreams/:slug", (req, res) => page(req, res));
  // not POST /upstreams/:slug: an IdP may be called "saml", and POST /upstreams/saml adds one
  r.post("/upstreams/:slug/edit", ...write, async (req, res) => {
    const slug = String(req.params.slug);
    const form = Object.fromEntries(FIELDS.map((f) => [f, text(req, f)])) as EditForm;
    await formAction(res, async () => {
      const { protocol } = await idps.get(slug);
      await idps.update(slug, version(req), changesOf(req, form, protocol), actorOf(res));
      done(res, `/admin/upstreams/${slug}`, "saved");
    }, (status, e) => page(req, res, { form, ...e }, status));
  });
  return r;
}

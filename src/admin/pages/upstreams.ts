// /admin/upstreams: the upstream IdPs (OpenID Connect or SAML 2.0) the login page offers as
// "Sign in with …" (the same service as `idp upstream …`). An OIDC client secret is write-only: the
// form never draws it back, not even after a validation error, and no page shows a stored one.
// A SAML IdP is added from its metadata XML (pasted), in a form of its own (POST /upstreams/saml).
import { Router, type Request, type Response } from "express";
import { DEFAULT_SCOPES, DEFAULT_USERNAME_CLAIM, NAMEID } from "../../auth/upstream/upstream-idps.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { text } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";
import { upstreamEditPages } from "./upstream-edit.ts";

const FIELDS = ["slug", "displayName", "issuer", "clientId", "scopes", "usernameClaim"] as const;
type Form = Record<(typeof FIELDS)[number], string>;

const emptyForm = (): Form => ({ slug: "", displayName: "", issuer: "", clientId: "", scopes: DEFAULT_SCOPES.join(" "), usernameClaim: DEFAULT_USERNAME_CLAIM });
/** The named text fields of a posted form. */
const readForm = <F extends string>(req: Request, fields: readonly F[]) => Object.fromEntries(fields.map((f) => [f, text(req, f)])) as Record<F, string>;
const SAML_FIELDS = ["slug", "displayName", "metadataXml", "usernameAttribute"] as const;
type SamlForm = Record<(typeof SAML_FIELDS)[number], string>;
const emptySamlForm = (): SamlForm => ({ slug: "", displayName: "", metadataXml: "", usernameAttribute: NAMEID });

export function upstreamPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const idps = s.upstream.idps;
  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const rows = (await idps.list()).map((i) => ({ ...i, redirectUri: s.upstream.redirectUri(i.slug), sp: s.upstream.samlEndpoints(i.slug) }));
    adminPage(s.render, req, res, "upstreams", { title: "Upstream IdPs", idps: rows, form: emptyForm(), samlForm: emptySamlForm(), samlErrors: {}, notice: noticeOf(req), ...extra }, status);
  };

  r.get("/upstreams", (req, res) => listPage(req, res));
  r.post("/upstreams", ...write, async (req, res) => {
    const form: Form = readForm(req, FIELDS);
    await formAction(res, async () => {
      const scopes = form.scopes.split(/\s+/).filter(Boolean);
      await idps.add(
        { slug: form.slug.trim(), displayName: form.displayName, issuer: form.issuer.trim(), clientId: form.clientId.trim(), clientSecret: text(req, "clientSecret"), scopes: scopes.length ? scopes : undefined, usernameClaim: form.usernameClaim.trim() || undefined },
        actorOf(res),
      );
      done(res, "/admin/upstreams", "created");
    }, (status, e) => listPage(req, res, { form, ...e }, status));
  });
  r.post("/upstreams/saml", ...write, async (req, res) => {
    const samlForm: SamlForm = readForm(req, SAML_FIELDS);
    await formAction(res, async () => {
      await idps.add({ protocol: "saml", slug: samlForm.slug.trim(), displayName: samlForm.displayName, metadataXml: samlForm.metadataXml, usernameAttribute: samlForm.usernameAttribute.trim() || undefined }, actorOf(res));
      done(res, "/admin/upstreams", "created");
    }, (status, e) => listPage(req, res, { samlForm, error: e.error, fieldErrors: {}, samlErrors: e.fieldErrors }, status));
  });
  for (const [action, notice] of [["enable", "upstreamEnabled"], ["disable", "upstreamDisabled"], ["delete", "upstreamRemoved"]] as const) {
    r.post(`/upstreams/:slug/${action}`, ...write, async (req, res) => {
      const slug = String(req.params.slug);
      await formAction(res, async () => {
        if (action === "delete") await idps.remove(slug, actorOf(res));
        else await idps.setEnabled(slug, action === "enable", actorOf(res));
        done(res, "/admin/upstreams", notice);
      }, (status, e) => listPage(req, res, e, status));
    });
  }
  r.use(upstreamEditPages(s));
  return r;
}

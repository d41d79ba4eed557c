// /admin/upstreams: the upstream OpenID Connect IdPs the login page offers as "Sign in with …"
// (the same service as `idp upstream …`). The client secret is write-only: the form never draws
// it back, not even after a validation error, and no page shows a stored one.
import { Router, type Request, type Response } from "express";
import { DEFAULT_SCOPES, DEFAULT_USERNAME_CLAIM } from "../../auth/upstream/upstream-idps.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { text } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

const FIELDS = ["slug", "displayName", "issuer", "clientId", "scopes", "usernameClaim"] as const;
type Form = Record<(typeof FIELDS)[number], string>;

const emptyForm = (): Form => ({ slug: "", displayName: "", issuer: "", clientId: "", scopes: DEFAULT_SCOPES.join(" "), usernameClaim: DEFAULT_USERNAME_CLAIM });
const readForm = (req: Request): Form => Object.fromEntries(FIELDS.map((f) => [f, text(req, f)])) as Form;

export function upstreamPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const idps = s.upstream.idps;
  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const rows = (await idps.list()).map((i) => ({ ...i, redirectUri: s.upstream.redirectUri(i.slug) }));
    adminPage(s.render, req, res, "upstreams", { title: "Upstream IdPs", idps: rows, form: emptyForm(), notice: noticeOf(req), ...extra }, status);
  };

  r.get("/upstreams", (req, res) => listPage(req, res));
  r.post("/upstreams", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      const scopes = form.scopes.split(/\s+/).filter(Boolean);
      await idps.add(
        { slug: form.slug.trim(), displayName: form.displayName, issuer: form.issuer.trim(), clientId: form.clientId.trim(), clientSecret: text(req, "clientSecret"), scopes: scopes.length ? scopes : undefined, usernameClaim: form.usernameClaim.trim() || undefined },
        actorOf(res),
      );
      done(res, "/admin/upstreams", "created");
    }, (status, e) => listPage(req, res, { form, ...e }, status));
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
  return r;
}

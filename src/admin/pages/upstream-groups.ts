// /admin/upstreams/:slug/groups: an upstream IdP's group mappers ("claim `groups` holds
// `aws-admins` → local group admins"), the same service as `idp upstream map-group …`. The groups
// they target are managed by the upstream: each sign-in through it adds or removes them.
import { Router, type Request, type Response } from "express";
import { NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { text } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

const FIELDS = ["claim", "value", "group"] as const;
type Form = Record<(typeof FIELDS)[number], string>;
const readForm = (req: Request): Form => ({ claim: text(req, "claim"), value: text(req, "value"), group: text(req, "group") });

export function upstreamGroupPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const mappings = s.upstream.groupMappings;
  const page = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const slug = String(req.params.slug);
    const idp = (await s.upstream.idps.list()).find((i) => i.slug === slug);
    if (!idp) throw new NotFound(`No upstream IdP with slug ${slug}.`);
    const [rows, snapshot] = await Promise.all([mappings.list(slug), s.directory.snapshot()]);
    const form: Form = { claim: idp.protocol === "saml" ? "" : "groups", value: "", group: "" };
    adminPage(s.render, req, res, "upstreams-groups", { title: `Group mappers of ${idp.displayName}`, idp, mappings: rows, groups: snapshot.groups.map((g) => g.name).sort(), form, notice: noticeOf(req), ...extra }, status);
  };

  r.get("/upstreams/:slug/groups", (req, res) => page(req, res));
  r.post("/upstreams/:slug/groups", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      await mappings.add({ slug: String(req.params.slug), ...form }, actorOf(res));
      done(res, `/admin/upstreams/${req.params.slug}/groups`, "mapped");
    }, (status, e) => page(req, res, { form, ...e }, status));
  });
  r.post("/upstreams/:slug/groups/remove", ...write, async (req, res) => {
    await formAction(res, async () => {
      await mappings.remove({ slug: String(req.params.slug), ...readForm(req) }, actorOf(res));
      done(res, `/admin/upstreams/${req.params.slug}/groups`, "unmapped");
    }, (status, e) => page(req, res, e, status));
  });
  return r;
}

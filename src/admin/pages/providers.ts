// /admin/providers: the identity providers the local STS trusts (AssumeRoleWithSAML /
// AssumeRoleWithWebIdentity look the Principal's provider up here).
import { Router, type Request, type Response } from "express";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { lines, text, version } from "../forms.ts";
import { StsProviderStore, type StsProvider } from "../providers-store.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";
import { splitCertificates } from "./sps.ts";

const formOf = (p?: StsProvider) => ({ arn: p?.arn ?? "", issuer: p?.issuer ?? "", certificates: p?.certificates.join("\n\n") ?? "", clientIds: p?.clientIds.join("\n") ?? "" });
const readForm = (req: Request) => ({ arn: text(req, "arn"), issuer: text(req, "issuer"), certificates: text(req, "certificates"), clientIds: text(req, "clientIds") });
const input = (f: ReturnType<typeof readForm>) => ({ arn: f.arn, issuer: f.issuer, certificates: splitCertificates(f.certificates), clientIds: lines(f.clientIds) });

export function providerPages(s: Services): Router {
  const r = Router();
  const store = new StsProviderStore(s.db.prisma, s.audit);
  const write = writeGuards(s);
  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    adminPage(s.render, req, res, "providers", { title: "STS identity providers", providers: await store.list(), form: formOf(), notice: noticeOf(req), ...extra }, status);
  const providerPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const p = await store.get(String(req.params.id));
    adminPage(s.render, req, res, "provider", { title: `Identity provider ${p.arn}`, p, form: formOf(p), notice: noticeOf(req), ...extra }, status);
  };

  r.get("/providers", (req, res) => listPage(req, res));
  r.post("/providers", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      const p = await store.create(input(form), actorOf(res));
      done(res, `/admin/providers/${p.id}`, "created");
    }, (status, e) => listPage(req, res, { form, ...e }, status));
  });
  r.get("/providers/:id", (req, res) => providerPage(req, res));
  r.post("/providers/:id", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      await store.update(String(req.params.id), version(req), input(form), actorOf(res));
      done(res, `/admin/providers/${req.params.id}`, "saved");
    }, (status, e) => providerPage(req, res, { form, ...e }, status));
  });
  r.post("/providers/:id/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await store.delete(String(req.params.id), version(req), actorOf(res));
      done(res, "/admin/providers", "deleted");
    }, (status, e) => providerPage(req, res, e, status));
  });
  return r;
}

// /admin/sps: SAML service providers — ACS URLs, SLO URL, certificates, signing/encryption
// options, NameID format, AWS profile, groups allowed — created by hand or from metadata.
import { Router, type Request, type Response } from "express";
import { NAMEID_FORMATS, type ServiceProviderInput, type ServiceProviderRecord } from "../../directory/index.ts";
import { NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { checked, lines, list, text, version } from "../forms.ts";
import { parseSpMetadata } from "../metadata.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

type SpForm = Record<string, string | boolean | string[]>;

const formOf = (sp?: ServiceProviderRecord): SpForm => ({
  entityId: sp?.entityId ?? "", name: sp?.name ?? "", acsUrls: sp?.acsUrls.join("\n") ?? "", sloUrl: sp?.sloUrl ?? "",
  certificates: sp?.certificates.join("\n\n") ?? "", wantAuthnRequestsSigned: sp?.wantAuthnRequestsSigned ?? false,
  encryptAssertions: sp?.encryptAssertions ?? false, nameIdFormat: sp?.nameIdFormat ?? NAMEID_FORMATS[0], profile: sp?.profile ?? "generic",
  accessGroupIds: [...(sp?.accessGroupIds ?? [])],
});

const readForm = (req: Request): SpForm => ({
  entityId: text(req, "entityId").trim(), name: text(req, "name"), acsUrls: text(req, "acsUrls"), sloUrl: text(req, "sloUrl").trim(),
  certificates: text(req, "certificates"), wantAuthnRequestsSigned: checked(req, "wantAuthnRequestsSigned"),
  encryptAssertions: checked(req, "encryptAssertions"), nameIdFormat: text(req, "nameIdFormat"), profile: text(req, "profile"),
  accessGroupIds: list(req, "accessGroupIds"),
});

/** Certificates are separated by blank lines (or PEM markers); each is kept whole. */
export function splitCertificates(s: string): string[] {
  const pem = s.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (pem) return pem;
  return s.split(/\r?\n\s*\r?\n/).map((c) => c.trim()).filter(Boolean);
}

export const spInput = (f: SpForm): ServiceProviderInput => ({
  entityId: f.entityId as string, name: f.name as string, acsUrls: lines(f.acsUrls as string), sloUrl: (f.sloUrl as string) || null,
  certificates: splitCertificates(f.certificates as string), wantAuthnRequestsSigned: f.wantAuthnRequestsSigned as boolean,
  encryptAssertions: f.encryptAssertions as boolean, nameIdFormat: f.nameIdFormat as string, profile: f.profile as "aws" | "generic",
  accessGroupIds: f.accessGroupIds as string[],
});

export function spPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const common = async () => ({ groups: (await s.directory.snapshot()).groups, nameIdFormats: NAMEID_FORMATS });

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const snap = await s.directory.snapshot();
    adminPage(s.render, req, res, "sps", { title: "SAML apps", sps: snap.serviceProviders, form: formOf(), metadata: "", notice: noticeOf(req), ...(await common()), ...extra }, status);
  };
  const spPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const sp = (await s.directory.snapshot()).serviceProviders.find((x) => x.id === req.params.id);
    if (!sp) throw new NotFound("No such service provider.");
    adminPage(s.render, req, res, "sp", { title: `SAML app ${sp.name}`, sp, form: formOf(sp), notice: noticeOf(req), ...(await common()), ...extra }, status);
  };

  r.get("/sps", (req, res) => listPage(req, res));
  r.post("/sps", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      const sp = await s.directory.createServiceProvider(spInput(form), actorOf(res));
      done(res, `/admin/sps/${sp.id}`, "created");
    }, (status, e) => listPage(req, res, { form, ...e }, status));
  });
  // metadata → a filled-in "new app" form to review before saving (nothing is stored yet)
  r.post("/sps/import", ...write, async (req, res) => {
    const metadata = text(req, "metadata");
    await formAction(res, async () => {
      const m = parseSpMetadata(metadata);
      const form = { ...formOf(), entityId: m.entityId, name: text(req, "name") || m.entityId, acsUrls: m.acsUrls.join("\n"), sloUrl: m.sloUrl ?? "", certificates: m.certificates.join("\n\n"), wantAuthnRequestsSigned: m.wantAuthnRequestsSigned, encryptAssertions: m.encryptionCertificates.length > 0 };
      await listPage(req, res, { form, metadata, notice: "Metadata read. Review the form below and create the app." });
    }, (status, e) => listPage(req, res, { metadata, ...e }, status));
  });
  r.get("/sps/:id", (req, res) => spPage(req, res));
  r.post("/sps/:id", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      await s.directory.updateServiceProvider(String(req.params.id), version(req), spInput(form), actorOf(res));
      done(res, `/admin/sps/${req.params.id}`, "saved");
    }, (status, e) => spPage(req, res, { form, ...e }, status));
  });
  r.post("/sps/:id/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await s.directory.deleteServiceProvider(String(req.params.id), version(req), actorOf(res));
      done(res, "/admin/sps", "deleted");
    }, (status, e) => spPage(req, res, e, status));
  });
  return r;
}

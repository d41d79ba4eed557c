// /admin/roles: AWS roles with their SAML provider, maximum session duration and trust policy, and
// the names of the AWS accounts they are in (shown next to roles on the start page and chooser).
// The trust policy is checked twice: its outline by the directory, and fully by the STS policy
// parser (the same one AssumeRole* uses), so a policy saved here is one the STS can evaluate.
// Stored policies are shown pretty-printed.
import { Router, type Request, type Response } from "express";
import { parseRoleArn, type JsonObject, type RoleRecord } from "../../directory/index.ts";
import { Invalid, NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { MalformedPolicyDocument, parsePolicy } from "../../sts/iam/index.ts";
import { actorOf, writeGuards } from "../access.ts";
import { intOrRaw, text, version } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

/** Form text → role input; the trust policy must parse as an IAM trust policy. */
export function roleInput(form: { arn: string; samlProviderArn: string; maxSessionDuration: string; trustPolicy: string; description: string }) {
  return {
    arn: form.arn.trim(),
    samlProviderArn: form.samlProviderArn.trim(),
    maxSessionDuration: intOrRaw(form.maxSessionDuration) as number | undefined,
    trustPolicy: form.trustPolicy.trim() === "" ? null : checkTrustPolicy(form.trustPolicy),
    description: form.description,
  };
}

/** JSON text (or object) → the same, after the STS parser accepted it as a trust policy. */
export function checkTrustPolicy(v: unknown): string | JsonObject {
  if (typeof v === "string") {
    try {
      JSON.parse(v);
    } catch (err) {
      throw new Invalid("The trust policy is not valid JSON.", { trustPolicy: `Not valid JSON: ${(err as Error).message}` });
    }
  }
  try {
    parsePolicy(v, { kind: "trust" });
  } catch (err) {
    if (err instanceof MalformedPolicyDocument) throw new Invalid(`Trust policy: ${err.message}`, { trustPolicy: err.message });
    throw err;
  }
  return v as string | JsonObject;
}

const pretty = (p: unknown) => (p ? JSON.stringify(p, null, 2) : "");
const formOf = (r?: RoleRecord) => ({
  arn: r?.arn ?? "", samlProviderArn: r?.samlProviderArn ?? "", maxSessionDuration: String(r?.maxSessionDuration ?? 3600),
  trustPolicy: pretty(r?.trustPolicy), description: r?.description ?? "",
});

export function rolePages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const readForm = (req: Request) => ({
    arn: text(req, "arn"), samlProviderArn: text(req, "samlProviderArn"), maxSessionDuration: text(req, "maxSessionDuration"),
    trustPolicy: text(req, "trustPolicy"), description: text(req, "description"),
  });

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const snap = await s.directory.snapshot();
    const mapped = (id: string) => snap.mappings.filter((m) => m.roleId === id).map((m) => snap.groupById.get(m.groupId)?.name).filter(Boolean);
    const accountIds = [...new Set([...snap.roles.map((x) => parseRoleArn(x.arn)?.accountId ?? ""), ...snap.aliasByAccount.keys()])].filter(Boolean).sort();
    const accounts = accountIds.map((accountId) => ({ accountId, alias: snap.aliasByAccount.get(accountId) }));
    adminPage(s.render, req, res, "roles", { title: "Roles", roles: snap.roles.map((x) => ({ ...x, groups: mapped(x.id) })), form: formOf(), accounts, accountForm: {}, notice: noticeOf(req), ...extra }, status);
  };
  const rolePage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const role = (await s.directory.snapshot()).roleById.get(String(req.params.id));
    if (!role) throw new NotFound("No such role.");
    adminPage(s.render, req, res, "role", { title: `Role ${role.arn}`, r: role, form: formOf(role), notice: noticeOf(req), ...extra }, status);
  };

  r.get("/roles", (req, res) => listPage(req, res));
  r.post("/roles", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      const role = await s.directory.createRole(roleInput(form), actorOf(res));
      done(res, `/admin/roles/${role.id}`, "created");
    }, (status, e) => listPage(req, res, { form, ...e }, status));
  });
  r.post("/accounts", ...write, async (req, res) => {
    const accountForm = { accountId: text(req, "accountId").trim(), alias: text(req, "alias").trim() };
    await formAction(res, async () => {
      await s.directory.setAccountAlias(accountForm, actorOf(res));
      done(res, "/admin/roles#accounts", "saved");
    }, (status, e) => listPage(req, res, { accountForm, ...e }, status));
  });
  r.post("/accounts/:accountId/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await s.directory.removeAccountAlias(String(req.params.accountId), actorOf(res));
      done(res, "/admin/roles#accounts", "deleted");
    }, (status, e) => listPage(req, res, e, status));
  });
  r.get("/roles/:id", (req, res) => rolePage(req, res));
  r.post("/roles/:id", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      await s.directory.updateRole(String(req.params.id), version(req), roleInput(form), actorOf(res));
      done(res, `/admin/roles/${req.params.id}`, "saved");
    }, (status, e) => rolePage(req, res, { form, ...e }, status));
  });
  r.post("/roles/:id/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await s.directory.deleteRole(String(req.params.id), version(req), actorOf(res));
      done(res, "/admin/roles", "deleted");
    }, (status, e) => rolePage(req, res, e, status));
  });
  return r;
}

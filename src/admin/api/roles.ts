// /api/admin roles, group → role mappings, attribute → tag rules and AWS account names.
import { Router } from "express";
import { NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { checkTrustPolicy } from "../pages/roles.ts";
import { body, param, versionOf } from "./http.ts";

/** A role body: the trust policy (object or JSON text) must pass the STS policy parser too. */
function roleBody(b: Record<string, any>) {
  const { arn, samlProviderArn, maxSessionDuration, trustPolicy, description } = b;
  return { arn, samlProviderArn, maxSessionDuration, description, trustPolicy: trustPolicy === undefined || trustPolicy === null ? trustPolicy : checkTrustPolicy(trustPolicy) };
}

export function rolesApi(s: Services): Router {
  const r = Router();
  const d = s.directory;

  r.get("/roles", async (_req, res) => {
    res.json({ roles: (await d.snapshot()).roles });
  });
  r.post("/roles", async (req, res) => {
    res.status(201).json(await d.createRole(roleBody(body(req)), actorOf(res)));
  });
  r.get("/roles/:id", async (req, res) => {
    const role = (await d.snapshot()).roleById.get(param(req, "id"));
    if (!role) throw new NotFound("No such role.");
    res.json(role);
  });
  r.patch("/roles/:id", async (req, res) => {
    const patch = Object.fromEntries(Object.entries(roleBody(body(req))).filter(([, v]) => v !== undefined));
    res.json(await d.updateRole(param(req, "id"), versionOf(req), patch, actorOf(res)));
  });
  r.delete("/roles/:id", async (req, res) => {
    await d.deleteRole(param(req, "id"), versionOf(req), actorOf(res));
    res.status(204).end();
  });

  r.get("/mappings", async (_req, res) => {
    res.json({ mappings: (await d.snapshot()).mappings });
  });
  r.post("/mappings", async (req, res) => {
    const { groupId, roleId, sessionDuration } = body(req);
    res.status(201).json(await d.mapGroupToRole({ groupId, roleId, sessionDuration }, actorOf(res)));
  });
  r.patch("/mappings/:groupId/:roleId", async (req, res) => {
    const sessionDuration = body(req).sessionDuration ?? null;
    res.json(await d.updateMapping(param(req, "groupId"), param(req, "roleId"), versionOf(req), sessionDuration, actorOf(res)));
  });
  r.delete("/mappings/:groupId/:roleId", async (req, res) => {
    await d.unmapGroupFromRole(param(req, "groupId"), param(req, "roleId"), actorOf(res));
    res.status(204).end();
  });

  r.get("/tag-rules", async (_req, res) => {
    res.json({ tagRules: (await d.snapshot()).tagRules });
  });
  r.post("/tag-rules", async (req, res) => {
    const { attribute, tagKey, transitive } = body(req);
    res.status(201).json(await d.createTagRule({ attribute, tagKey, transitive }, actorOf(res)));
  });
  r.delete("/tag-rules/:id", async (req, res) => {
    await d.deleteTagRule(param(req, "id"), actorOf(res));
    res.status(204).end();
  });

  r.get("/aws-accounts", async (_req, res) => {
    res.json({ accounts: (await d.snapshot()).accounts });
  });
  r.put("/aws-accounts/:accountId", async (req, res) => {
    res.json(await d.setAccountAlias({ accountId: param(req, "accountId"), alias: body(req).alias }, actorOf(res)));
  });
  r.delete("/aws-accounts/:accountId", async (req, res) => {
    await d.removeAccountAlias(param(req, "accountId"), actorOf(res));
    res.status(204).end();
  });
  return r;
}

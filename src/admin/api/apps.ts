// /api/admin SAML service providers (with metadata parsing), OIDC clients (secrets returned once)
// and STS identity providers.
import { Router } from "express";
import type { JsonObject } from "../../directory/index.ts";
import { Invalid, NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { isConfidential, newClientSecret } from "../client-secrets.ts";
import { parseSpMetadata } from "../metadata.ts";
import { StsProviderStore } from "../providers-store.ts";
import { body, clientView, param, pick, versionOf } from "./http.ts";

const SP_FIELDS = ["entityId", "name", "acsUrls", "sloUrl", "certificates", "wantAuthnRequestsSigned", "encryptAssertions", "nameIdFormat", "profile", "accessGroupIds"] as const;

export function appsApi(s: Services): Router {
  const r = Router();
  const d = s.directory;
  const providers = new StsProviderStore(s.db.prisma, s.audit);

  r.get("/service-providers", async (_req, res) => {
    res.json({ serviceProviders: (await d.snapshot()).serviceProviders });
  });
  r.post("/service-providers", async (req, res) => {
    res.status(201).json(await d.createServiceProvider(pick(body(req), SP_FIELDS) as never, actorOf(res)));
  });
  // metadata XML → the fields of a new service provider (nothing stored)
  r.post("/service-providers/parse-metadata", async (req, res) => {
    res.json(parseSpMetadata(body(req).metadata));
  });
  r.get("/service-providers/:id", async (req, res) => {
    const sp = (await d.snapshot()).serviceProviders.find((x) => x.id === param(req, "id"));
    if (!sp) throw new NotFound("No such service provider.");
    res.json(sp);
  });
  r.patch("/service-providers/:id", async (req, res) => {
    res.json(await d.updateServiceProvider(param(req, "id"), versionOf(req), pick(body(req), SP_FIELDS), actorOf(res)));
  });
  r.delete("/service-providers/:id", async (req, res) => {
    await d.deleteServiceProvider(param(req, "id"), versionOf(req), actorOf(res));
    res.status(204).end();
  });

  r.get("/oidc-clients", async (_req, res) => {
    res.json({ oidcClients: (await d.snapshot()).oidcClients.map(clientView) });
  });
  r.post("/oidc-clients", async (req, res) => {
    const { clientId, name, metadata, firstParty, accessGroupIds } = body(req);
    const meta = (metadata ?? {}) as JsonObject;
    const secret = typeof clientId === "string" && meta && typeof meta === "object" && isConfidential(meta) ? newClientSecret(s.box, clientId) : undefined;
    const c = await d.createOidcClient({ clientId, name, metadata: meta, firstParty, accessGroupIds, secretEnc: secret?.secretEnc ?? null }, actorOf(res));
    res.status(201).json({ ...clientView(c), ...(secret ? { clientSecret: secret.secret } : {}) });
  });
  r.get("/oidc-clients/:id", async (req, res) => {
    const c = (await d.snapshot()).oidcClients.find((x) => x.id === param(req, "id"));
    if (!c) throw new NotFound("No such OIDC client.");
    res.json(clientView(c));
  });
  r.patch("/oidc-clients/:id", async (req, res) => {
    const { name, metadata, firstParty, accessGroupIds } = body(req);
    res.json(clientView(await d.updateOidcClient(param(req, "id"), versionOf(req), { name, metadata, firstParty, accessGroupIds }, actorOf(res))));
  });
  r.post("/oidc-clients/:id/secret", async (req, res) => {
    const c = (await d.snapshot()).oidcClients.find((x) => x.id === param(req, "id"));
    if (!c) throw new NotFound("No such OIDC client.");
    if (!isConfidential(c.metadata)) throw new Invalid("A public client (token_endpoint_auth_method none) has no secret.");
    const secret = newClientSecret(s.box, c.clientId);
    const updated = await d.updateOidcClient(c.id, versionOf(req), { secretEnc: secret.secretEnc }, actorOf(res));
    res.json({ ...clientView(updated), clientSecret: secret.secret });
  });
  r.delete("/oidc-clients/:id", async (req, res) => {
    await d.deleteOidcClient(param(req, "id"), versionOf(req), actorOf(res));
    res.status(204).end();
  });

  r.get("/sts-providers", async (_req, res) => {
    res.json({ stsProviders: await providers.list() });
  });
  r.post("/sts-providers", async (req, res) => {
    const { arn, issuer, certificates, clientIds } = body(req);
    res.status(201).json(await providers.create({ arn, issuer, certificates, clientIds }, actorOf(res)));
  });
  r.get("/sts-providers/:id", async (req, res) => {
    res.json(await providers.get(param(req, "id")));
  });
  r.patch("/sts-providers/:id", async (req, res) => {
    const current = await providers.get(param(req, "id"));
    const { issuer, certificates, clientIds } = body(req);
    res.json(await providers.update(current.id, versionOf(req), { issuer: issuer ?? current.issuer, certificates: certificates ?? current.certificates, clientIds: clientIds ?? current.clientIds }, actorOf(res)));
  });
  r.delete("/sts-providers/:id", async (req, res) => {
    await providers.delete(param(req, "id"), versionOf(req), actorOf(res));
    res.status(204).end();
  });
  return r;
}

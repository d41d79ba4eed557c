// /admin/clients: OIDC clients — redirect URIs, grant types, authentication method, groups
// allowed. A confidential client's secret is generated here and shown exactly once.
import { Router, type Request, type Response } from "express";
import type { JsonObject, OidcClientRecord } from "../../directory/index.ts";
import { Invalid, NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { isConfidential, newClientSecret } from "../client-secrets.ts";
import { checked, lines, list, text, version } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

export const GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"] as const;
export const AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"] as const;

type ClientForm = { clientId: string; name: string; redirectUris: string; grantTypes: string[]; authMethod: string; firstParty: boolean; accessGroupIds: string[] };

const formOf = (c?: OidcClientRecord): ClientForm => ({
  clientId: c?.clientId ?? "", name: c?.name ?? "",
  redirectUris: ((c?.metadata.redirect_uris as string[] | undefined) ?? []).join("\n"),
  grantTypes: (c?.metadata.grant_types as string[] | undefined) ?? ["authorization_code", "refresh_token"],
  authMethod: (c?.metadata.token_endpoint_auth_method as string | undefined) ?? "none",
  firstParty: c?.firstParty ?? true, accessGroupIds: [...(c?.accessGroupIds ?? [])],
});

const readForm = (req: Request): ClientForm => ({
  clientId: text(req, "clientId").trim(), name: text(req, "name"), redirectUris: text(req, "redirectUris"),
  grantTypes: list(req, "grantTypes"), authMethod: text(req, "authMethod"), firstParty: checked(req, "firstParty"), accessGroupIds: list(req, "accessGroupIds"),
});

/** Form → oidc-provider client metadata, merged over what is stored (unknown keys are kept). */
export function clientMetadata(f: ClientForm, stored: Readonly<JsonObject> = {}): JsonObject {
  const grants = f.grantTypes;
  const fields: Record<string, string> = {};
  if (grants.length === 0) fields.grantTypes = "Choose at least one grant type.";
  if (grants.some((g) => !(GRANT_TYPES as readonly string[]).includes(g))) fields.grantTypes = "Choose grant types from the list.";
  if (!(AUTH_METHODS as readonly string[]).includes(f.authMethod)) fields.authMethod = "Choose an authentication method from the list.";
  const redirectUris = lines(f.redirectUris);
  if (grants.includes("authorization_code") && redirectUris.length === 0) fields.redirectUris = "The authorization code grant needs at least one redirect URI.";
  if (grants.includes("client_credentials") && f.authMethod === "none") fields.authMethod = "The client credentials grant needs a confidential client (a secret).";
  if (Object.keys(fields).length) throw new Invalid("Check the client settings.", fields);
  return {
    ...stored, client_id: f.clientId, redirect_uris: redirectUris, grant_types: grants,
    response_types: grants.includes("authorization_code") ? ["code"] : [], token_endpoint_auth_method: f.authMethod,
  };
}

export function clientPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);
  const common = async () => ({ groups: (await s.directory.snapshot()).groups, grantTypes: GRANT_TYPES, authMethods: AUTH_METHODS });

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const snap = await s.directory.snapshot();
    adminPage(s.render, req, res, "clients", { title: "OIDC clients", clients: snap.oidcClients, form: formOf(), notice: noticeOf(req), ...(await common()), ...extra }, status);
  };
  const clientPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const c = (await s.directory.snapshot()).oidcClients.find((x) => x.id === req.params.id);
    if (!c) throw new NotFound("No such OIDC client.");
    adminPage(s.render, req, res, "client", { title: `OIDC client ${c.name}`, c, form: formOf(c), notice: noticeOf(req), ...(await common()), ...extra }, status);
  };
  const showSecret = (req: Request, res: Response, c: OidcClientRecord, secret: string) =>
    adminPage(s.render, req, res, "client-secret", { title: "Client secret", c, secret });

  r.get("/clients", (req, res) => listPage(req, res));
  r.post("/clients", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      const metadata = clientMetadata(form);
      const secret = isConfidential(metadata) ? newClientSecret(s.box, form.clientId) : undefined;
      const c = await s.directory.createOidcClient({ clientId: form.clientId, name: form.name, metadata, firstParty: form.firstParty, accessGroupIds: form.accessGroupIds, secretEnc: secret?.secretEnc ?? null }, actorOf(res));
      if (secret) return showSecret(req, res, c, secret.secret);
      done(res, `/admin/clients/${c.id}`, "created");
    }, (status, e) => listPage(req, res, { form, ...e }, status));
  });
  r.get("/clients/:id", (req, res) => clientPage(req, res));
  r.post("/clients/:id", ...write, async (req, res) => {
    const form = readForm(req);
    await formAction(res, async () => {
      const current = (await s.directory.snapshot()).oidcClients.find((x) => x.id === req.params.id);
      if (!current) throw new NotFound("No such OIDC client.");
      form.clientId = current.clientId; // the client id is the client's name at the token endpoint: not editable
      const metadata = clientMetadata(form, current.metadata);
      // turning a public client confidential needs a secret; the reverse drops it
      const secret = isConfidential(metadata) && !current.secretEnc ? newClientSecret(s.box, current.clientId) : undefined;
      const c = await s.directory.updateOidcClient(current.id, version(req), {
        name: form.name, metadata, firstParty: form.firstParty, accessGroupIds: form.accessGroupIds,
        ...(secret ? { secretEnc: secret.secretEnc } : isConfidential(metadata) ? {} : { secretEnc: null }),
      }, actorOf(res));
      if (secret) return showSecret(req, res, c, secret.secret);
      done(res, `/admin/clients/${c.id}`, "saved");
    }, (status, e) => clientPage(req, res, { form, ...e }, status));
  });
  r.post("/clients/:id/secret", ...write, async (req, res) => {
    await formAction(res, async () => {
      const current = (await s.directory.snapshot()).oidcClients.find((x) => x.id === req.params.id);
      if (!current) throw new NotFound("No such OIDC client.");
      if (!isConfidential(current.metadata)) throw new Invalid("A public client has no secret.", { authMethod: "Public clients (method none) have no secret." });
      const secret = newClientSecret(s.box, current.clientId);
      const c = await s.directory.updateOidcClient(current.id, version(req), { secretEnc: secret.secretEnc }, actorOf(res));
      showSecret(req, res, c, secret.secret);
    }, (status, e) => clientPage(req, res, e, status));
  });
  r.post("/clients/:id/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await s.directory.deleteOidcClient(String(req.params.id), version(req), actorOf(res));
      done(res, "/admin/clients", "deleted");
    }, (status, e) => clientPage(req, res, e, status));
  });
  return r;
}

// The OpenAPI 3.1 description of /api/admin, served at /api/admin/openapi.json. Built from a
// compact route table so that a test can check it against the router (every route documented,
// nothing documented that does not exist).
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: "object", properties, ...(required.length ? { required } : {}) });
const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const bool: Schema = { type: "boolean" };
const uuid: Schema = { type: "string", format: "uuid" };
const strs: Schema = { type: "array", items: str };
const version: Schema = { type: "integer", minimum: 1, description: "the version read; a stale one is answered 409" };

const SCHEMAS: Record<string, Schema> = {
  Problem: obj({ type: str, title: str, status: int, detail: str, errors: { type: "object", additionalProperties: str, description: "message per field" }, requestId: str }, ["title", "status"]),
  User: obj({ id: uuid, username: str, email: { type: ["string", "null"] }, displayName: { type: ["string", "null"] }, attributes: { type: "object" }, disabled: bool, version: int, groupIds: { type: "array", items: uuid } }),
  UserCreate: obj({ username: str, email: str, displayName: str, attributes: { type: "object" }, password: { type: "string", minLength: 8 }, disabled: bool, groupIds: { type: "array", items: uuid } }, ["username"]),
  UserUpdate: obj({ version, email: { type: ["string", "null"] }, displayName: { type: ["string", "null"] }, attributes: { type: "object" } }, ["version"]),
  WebSession: obj({
    handle: { type: "string", description: "opaque name of the session (an HMAC of its key), only meaningful with its user" }, browser: { type: "string", description: "short summary, e.g. \"Firefox 128 on Linux\"" },
    ip: { type: ["string", "null"] }, signedInAt: { type: "string", format: "date-time" }, lastSeenAt: { type: "string", format: "date-time" }, mfa: { type: "boolean", description: "a second factor was used" },
  }),
  Group: obj({ id: uuid, name: str, description: { type: ["string", "null"] }, parentId: { type: ["string", "null"], format: "uuid" }, version: int }),
  GroupInput: obj({ version, name: str, description: { type: ["string", "null"] }, parentId: { type: ["string", "null"], format: "uuid" } }),
  Role: obj({ id: uuid, arn: str, samlProviderArn: str, maxSessionDuration: { type: "integer", minimum: 3600, maximum: 43200 }, trustPolicy: { type: ["object", "null"] }, description: { type: ["string", "null"] }, version: int }),
  RoleInput: obj({ version, arn: str, samlProviderArn: str, maxSessionDuration: { type: "integer", minimum: 3600, maximum: 43200 }, trustPolicy: { type: ["object", "string", "null"], description: "IAM trust policy (object or JSON text), checked by the STS policy parser" }, description: str }),
  Mapping: obj({ id: uuid, groupId: uuid, roleId: uuid, sessionDuration: { type: ["integer", "null"], minimum: 900, maximum: 43200 }, version: int }),
  TagRule: obj({ id: uuid, attribute: str, tagKey: str, transitive: bool }),
  GroupMapping: obj({ id: uuid, claim: str, value: str, groupId: uuid, groupName: str, createdAt: { type: "string", format: "date-time" } }),
  AwsAccount: obj({ accountId: { type: "string", pattern: "^\\d{12}$" }, alias: str }),
  ServiceProvider: obj({ id: uuid, entityId: str, name: str, acsUrls: strs, sloUrl: { type: ["string", "null"] }, certificates: strs, wantAuthnRequestsSigned: bool, encryptAssertions: bool, nameIdFormat: str, profile: { enum: ["aws", "generic"] }, accessGroupIds: { type: "array", items: uuid }, version: int }),
  OidcClient: obj({ id: uuid, clientId: str, name: str, metadata: { type: "object" }, confidential: bool, firstParty: bool, accessGroupIds: { type: "array", items: uuid }, version: int, clientSecret: { type: "string", description: "only in the response that created it" } }),
  StsProvider: obj({ id: uuid, arn: str, kind: { enum: ["saml", "oidc"] }, accountId: str, issuer: str, certificates: strs, clientIds: strs, builtIn: bool, version: int }),
  UpstreamIdp: obj({
    id: uuid, slug: str, displayName: str, protocol: { enum: ["oidc", "saml"] }, issuer: { type: "string", description: "OIDC: the issuer URL; SAML: the IdP's entity ID" },
    clientId: { type: ["string", "null"] }, scopes: strs, ssoUrl: { type: ["string", "null"] }, certificates: { ...strs, description: "SAML: the IdP's signing certificates (PEM)" },
    usernameClaim: { type: "string", description: "OIDC: the ID token claim; SAML: the attribute Name or NameID, that proposes a new user's username" }, enabled: bool, version: int, links: { type: "integer", description: "local users linked through it" },
    register: { type: "object", description: "what to register at the upstream: OIDC redirectUri; SAML spEntityId (= spMetadataUrl) and acsUrl" },
  }),
  UpstreamIdpCreate: obj({
    protocol: { enum: ["oidc", "saml"] }, slug: str, displayName: str, enabled: bool,
    issuer: str, clientId: str, clientSecret: { type: "string", writeOnly: true, description: "OIDC; stored sealed, never returned" }, scopes: strs, usernameClaim: str,
    metadataXml: { type: "string", description: "SAML: the IdP metadata (entity ID, HTTP-Redirect SSO URL, signing certificates); or give those three" }, entityId: str, ssoUrl: str, certificates: strs, usernameAttribute: str,
  }, ["protocol", "slug", "displayName"]),
  UpstreamIdpUpdate: obj({
    version, displayName: str, enabled: bool,
    issuer: str, clientId: str, clientSecret: { type: "string", writeOnly: true, description: "OIDC: a new secret (absent = keep)" }, scopes: strs, usernameClaim: str,
    metadataXml: { type: "string", description: "SAML: new metadata, read again (e.g. a rolled certificate)" }, entityId: str, ssoUrl: str, certificates: strs, usernameAttribute: str,
    force: { type: "boolean", description: "change the issuer / entity ID although users are linked (the same IdP at a new address); otherwise 409" },
  }, ["version"]),
  StsSession: obj({
    accessKeyId: str, kind: { enum: ["role", "federated", "user"] }, status: { enum: ["active", "expired", "revoked", "revoked-by-role"] }, accountId: str, arn: str, userId: str,
    roleArn: { type: ["string", "null"] }, iamUserName: { type: ["string", "null"] }, sessionName: { type: ["string", "null"] }, sourceIdentity: { type: ["string", "null"] },
    tags: { type: "object", additionalProperties: str }, transitiveTagKeys: strs, mfa: bool, chained: bool,
    issuedAt: { type: "string", format: "date-time" }, expiresAt: { type: "string", format: "date-time" }, revokedAt: { type: ["string", "null"], format: "date-time" },
  }),
  StsRoleRevocation: obj({ roleArn: str, revokedBefore: { type: "string", format: "date-time", description: "sessions of the role issued before this instant are denied (AWSRevokeOlderSessions)" } }),
  SigningKey: obj({ kid: str, state: { enum: ["next", "active", "retired"] }, alg: str, createdAt: str, activatedAt: { type: ["string", "null"] }, retiredAt: { type: ["string", "null"] }, published: bool, fingerprintSha256: str }),
  AuditEvent: obj({ id: str, time: { type: "string", format: "date-time" }, actor: str, action: str, target: { type: ["string", "null"] }, outcome: { enum: ["success", "failure", "denied"] }, sourceIp: { type: ["string", "null"] }, requestId: { type: ["string", "null"] }, details: { type: "object" } }),
  Preview: obj({ target: { type: "object" }, refused: str, identity: { type: "object", description: "the FederatedIdentity" }, dropped: { type: "array" }, samlAttributes: { type: "array" }, idTokenClaims: { type: "object" }, trust: { type: "object", description: "decision, decidedBy, explanation, context" } }),
};

/** [method, path, summary, request schema, response schema, status, query parameters] */
type Route = [string, string, string, Schema | null, Schema | null, number?, string[]?];
const list = (key: string, item: string): Schema => obj({ [key]: { type: "array", items: ref(item) } });
const versionQuery = ["version"];

export const ROUTES: Route[] = [
  ["get", "/users", "List users (search, paging)", null, obj({ total: int, users: { type: "array", items: ref("User") } }), 200, ["search", "offset", "limit"]],
  ["post", "/users", "Create a user", ref("UserCreate"), ref("User"), 201],
  ["get", "/users/{id}", "Get a user", null, ref("User")],
  ["patch", "/users/{id}", "Edit e-mail, display name, attributes", ref("UserUpdate"), ref("User")],
  ["put", "/users/{id}/groups", "Set the user's groups", obj({ version, groupIds: { type: "array", items: uuid } }, ["version", "groupIds"]), ref("User")],
  ["put", "/users/{id}/disabled", "Disable or enable (disabling ends the web sessions and revokes the OIDC grants with their tokens)", obj({ version, disabled: bool }, ["version", "disabled"]), ref("User")],
  ["put", "/users/{id}/password", "Set the password (ends the web sessions and revokes the OIDC grants with their tokens)", obj({ password: { type: "string", minLength: 8 } }, ["password"]), null, 204],
  ["delete", "/users/{id}/mfa", "Reset two-step verification (ends the web sessions and revokes the OIDC grants with their tokens)", null, null, 204],
  ["get", "/users/{id}/sessions", "The user's live web sessions (most recent first) and how many OIDC app grants they hold", null, obj({ sessions: { type: "array", items: ref("WebSession") }, grantCount: int })],
  ["post", "/users/{id}/sessions/end-all", "End every web session of the user and revoke every OIDC grant with its tokens", null, obj({ sessions: int, grants: int })],
  ["delete", "/users/{id}/sessions/{handle}", "End one web session of the user", null, null, 204],
  ["delete", "/users/{id}", "Delete a user (and revoke their OIDC grants with their tokens)", null, null, 204, versionQuery],
  ["get", "/groups", "List groups", null, list("groups", "Group")],
  ["post", "/groups", "Create a group", ref("GroupInput"), ref("Group"), 201],
  ["get", "/groups/{id}", "Get a group with its direct members", null, ref("Group")],
  ["patch", "/groups/{id}", "Rename, describe, nest", ref("GroupInput"), ref("Group")],
  ["delete", "/groups/{id}", "Delete a group (refused while mapped, nesting or granting app access)", null, null, 204, versionQuery],
  ["get", "/roles", "List roles", null, list("roles", "Role")],
  ["post", "/roles", "Create a role", ref("RoleInput"), ref("Role"), 201],
  ["get", "/roles/{id}", "Get a role", null, ref("Role")],
  ["patch", "/roles/{id}", "Edit a role", ref("RoleInput"), ref("Role")],
  ["delete", "/roles/{id}", "Delete a role and its mappings", null, null, 204, versionQuery],
  ["get", "/mappings", "List group → role mappings", null, list("mappings", "Mapping")],
  ["post", "/mappings", "Map a group to a role", obj({ groupId: uuid, roleId: uuid, sessionDuration: { type: ["integer", "null"] } }, ["groupId", "roleId"]), ref("Mapping"), 201],
  ["patch", "/mappings/{groupId}/{roleId}", "Set a mapping's session cap", obj({ version, sessionDuration: { type: ["integer", "null"] } }, ["version"]), ref("Mapping")],
  ["delete", "/mappings/{groupId}/{roleId}", "Remove a mapping", null, null, 204],
  ["get", "/tag-rules", "List attribute → tag rules", null, list("tagRules", "TagRule")],
  ["post", "/tag-rules", "Add a rule", obj({ attribute: str, tagKey: str, transitive: bool }, ["attribute", "tagKey"]), ref("TagRule"), 201],
  ["delete", "/tag-rules/{id}", "Delete a rule", null, null, 204],
  ["get", "/aws-accounts", "List the names given to AWS accounts", null, list("accounts", "AwsAccount")],
  ["put", "/aws-accounts/{accountId}", "Name an AWS account, or rename it (an IAM account alias: 3–63 of a-z, 0-9, -)", obj({ alias: str }, ["alias"]), ref("AwsAccount")],
  ["delete", "/aws-accounts/{accountId}", "Remove an account's name", null, null, 204],
  ["get", "/service-providers", "List SAML service providers", null, list("serviceProviders", "ServiceProvider")],
  ["post", "/service-providers", "Create a SAML service provider", ref("ServiceProvider"), ref("ServiceProvider"), 201],
  ["post", "/service-providers/parse-metadata", "Read SP metadata XML into fields (stores nothing)", obj({ metadata: str }, ["metadata"]), obj({ entityId: str, acsUrls: strs, sloUrl: { type: ["string", "null"] }, certificates: strs, encryptionCertificates: strs, wantAuthnRequestsSigned: bool })],
  ["get", "/service-providers/{id}", "Get a SAML service provider", null, ref("ServiceProvider")],
  ["patch", "/service-providers/{id}", "Edit a SAML service provider", ref("ServiceProvider"), ref("ServiceProvider")],
  ["delete", "/service-providers/{id}", "Delete a SAML service provider", null, null, 204, versionQuery],
  ["get", "/oidc-clients", "List OIDC clients", null, list("oidcClients", "OidcClient")],
  ["post", "/oidc-clients", "Create an OIDC client (a confidential client's secret is in this response only)", ref("OidcClient"), ref("OidcClient"), 201],
  ["get", "/oidc-clients/{id}", "Get an OIDC client", null, ref("OidcClient")],
  ["patch", "/oidc-clients/{id}", "Edit an OIDC client", ref("OidcClient"), ref("OidcClient")],
  ["post", "/oidc-clients/{id}/secret", "Replace the client secret (returned once)", obj({ version }, ["version"]), ref("OidcClient")],
  ["delete", "/oidc-clients/{id}", "Delete an OIDC client", null, null, 204, versionQuery],
  ["get", "/sts-providers", "List STS identity providers", null, list("stsProviders", "StsProvider")],
  ["post", "/sts-providers", "Create an STS identity provider", ref("StsProvider"), ref("StsProvider"), 201],
  ["get", "/sts-providers/{id}", "Get an STS identity provider", null, ref("StsProvider")],
  ["patch", "/sts-providers/{id}", "Edit issuer, certificates, audiences", ref("StsProvider"), ref("StsProvider")],
  ["delete", "/sts-providers/{id}", "Delete an STS identity provider", null, null, 204, versionQuery],
  ["get", "/upstream-idps", "List upstream IdPs (OpenID Connect or SAML) people may sign in through", null, list("upstreamIdps", "UpstreamIdp")],
  ["post", "/upstream-idps", "Add an upstream IdP", ref("UpstreamIdpCreate"), ref("UpstreamIdp"), 201],
  ["get", "/upstream-idps/{slug}", "Get an upstream IdP", null, ref("UpstreamIdp")],
  ["patch", "/upstream-idps/{slug}", "Edit an upstream IdP in place (links kept; slug and protocol fixed)", ref("UpstreamIdpUpdate"), ref("UpstreamIdp")],
  ["delete", "/upstream-idps/{slug}", "Remove an upstream IdP and its links (the local users stay)", null, null, 204, versionQuery],
  ["get", "/upstream-idps/{slug}/group-mappings", "List the IdP's group mappers (claim value → local group, applied at each sign-in)", null, list("groupMappings", "GroupMapping")],
  ["post", "/upstream-idps/{slug}/group-mappings", "Add a group mapper: when the claim (OIDC) or attribute (SAML) holds the value, the user is in the group", obj({ claim: str, value: str, group: { type: "string", description: "the local group's name" } }, ["claim", "value", "group"]), ref("GroupMapping"), 201],
  ["delete", "/upstream-idps/{slug}/group-mappings/{id}", "Remove a group mapper (memberships already granted stay; a group no mapper of the IdP targets is no longer managed by it)", null, null, 204],
  ["get", "/sts-sessions", "List STS sessions (default: only those still working; all=true adds expired and revoked), newest first", null, obj({ total: int, sessions: { type: "array", items: ref("StsSession") } }), 200, ["roleArn", "q", "kind", "all", "offset", "limit"]],
  ["get", "/sts-sessions/{accessKeyId}", "Get an STS session (no secret, no token)", null, ref("StsSession")],
  ["post", "/sts-sessions/{accessKeyId}/revoke", "Revoke one STS session now (idempotent)", null, ref("StsSession")],
  ["get", "/sts-role-revocations", "The roles' \"revoke older sessions\" instants", null, list("revocations", "StsRoleRevocation"), 200, ["roleArn"]],
  ["post", "/sts-role-revocations", "Revoke the role's sessions issued before now (AWS \"revoke active sessions\")", obj({ roleArn: str }, ["roleArn"]), ref("StsRoleRevocation")],
  ["get", "/keys", "List signing keys", null, list("keys", "SigningKey")],
  ["post", "/keys/rotate", "Rotate the signing keys", null, obj({ active: str, retired: strs, next: str })],
  ["get", "/audit", "Query the audit log", null, list("events", "AuditEvent"), 200, ["actor", "action", "outcome", "from", "to", "before", "limit"]],
  ["get", "/preview", "Effective access of a user to an app (and a role's trust decision)", null, ref("Preview"), 200, ["user", "target", "role", "mfa"]],
];

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });

export function openApiDocument(baseUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, summary, request, response, status = 200, query = []] of ROUTES) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: str }));
    const write = method !== "get";
    (paths[path] ??= {})[method] = {
      summary,
      operationId: `${method}${path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_: string, c?: string) => (c ? c.toUpperCase() : ""))}`,
      security: [{ bearer: [write ? "admin" : "admin:read"] }],
      parameters: [...params, ...query.map((name) => ({ name, in: "query", required: false, schema: name === "version" ? int : str }))],
      ...(request ? { requestBody: { required: true, content: { "application/json": { schema: request } } } } : {}),
      responses: {
        [String(status)]: response ? { description: "OK", content: { "application/json": { schema: response } } } : { description: "Done" },
        "400": problem("Invalid input: `errors` names each field"),
        "401": problem("Missing or invalid access token"),
        "403": problem("The token lacks the scope"),
        ...(path.includes("{") ? { "404": problem("No such entry") } : {}),
        ...(write ? { "409": problem("Conflict: changed by someone else (stale version), duplicate, or still in use"), "413": problem("Body larger than 256 kB") } : {}),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "idp-gateway admin API", version: "1", description: "Users (and their web sessions), groups, roles, mappings, apps, upstream IdPs, STS sessions and revocation, keys, audit and effective-access preview. Errors are RFC 9457 problem+json. Every edit sends the `version` it read; a stale version is refused with 409." },
    servers: [{ url: `${baseUrl}/api/admin` }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: `RS256 access token from this IdP: iss ${baseUrl}, aud ${baseUrl}/api/admin, scope "admin" (read and write) or "admin:read" (read only). Obtain it with the client-credentials grant.` },
      },
    },
  };
}

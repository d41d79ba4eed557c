// Write inputs → normalised records, or one Invalid carrying a message per form field.
// Pure: checks that need the database (uniqueness, cycles, references) happen in the write.
import { Invalid } from "../errors.ts";
import type {
  AccountRecord,
  CreateGroupInput,
  CreateRoleInput,
  CreateUserInput,
  JsonObject,
  MapGroupInput,
  OidcClientInput,
  ServiceProviderInput,
  SpProfile,
  TagRuleInput,
  UpdateGroupInput,
  UpdateUserInput,
} from "./types.ts";
import * as v from "./validation.ts";

type Fields = Record<string, v.Problem>;

/** Throws Invalid listing every field with a problem (forms show each next to its field). */
export function check(what: string, fields: Fields): void {
  const bad: Record<string, string> = {};
  for (const [k, m] of Object.entries(fields)) if (m !== undefined) bad[k] = m;
  const entries = Object.entries(bad);
  if (entries.length > 0) throw new Invalid(`Invalid ${what}: ${entries.map(([k, m]) => `${k}: ${m}`).join(" ")}`, bad);
}

const opt = (s: string | null | undefined): string | null => (s === undefined || s === null || s.trim() === "" ? null : s.trim());
const boolProblem = (b: unknown): v.Problem => (b === undefined || typeof b === "boolean" ? undefined : "Choose yes or no.");

function idsProblem(ids: unknown): v.Problem {
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || !ids.every(v.isId)) return "Choose groups from the list.";
  return undefined;
}

function passwordProblem(p: unknown): v.Problem {
  if (p === undefined) return undefined;
  if (typeof p !== "string" || p.length < 8) return "Use at least 8 characters.";
  if (p.length > 1024) return "Use at most 1024 characters.";
  return undefined;
}

export function userCreate(i: CreateUserInput) {
  check("user", {
    username: v.usernameProblem(i.username),
    email: v.emailProblem(i.email),
    displayName: v.textProblem(i.displayName, 256),
    attributes: v.attributesProblem(i.attributes),
    password: passwordProblem(i.password),
    disabled: boolProblem(i.disabled),
    groupIds: idsProblem(i.groupIds),
  });
  return {
    username: v.normalizeUsername(i.username),
    email: opt(i.email),
    displayName: opt(i.displayName),
    attributes: i.attributes ?? {},
    password: i.password,
    disabled: i.disabled ?? false,
    groupIds: [...new Set(i.groupIds ?? [])],
  };
}

export function userUpdate(i: UpdateUserInput) {
  check("user", {
    email: v.emailProblem(i.email),
    displayName: v.textProblem(i.displayName, 256),
    attributes: v.attributesProblem(i.attributes),
  });
  const out: { email?: string | null; displayName?: string | null; attributes?: JsonObject } = {};
  if (i.email !== undefined) out.email = opt(i.email);
  if (i.displayName !== undefined) out.displayName = opt(i.displayName);
  if (i.attributes !== undefined) out.attributes = i.attributes;
  return out;
}

export function groupIds(ids: unknown): string[] {
  check("group list", { groupIds: Array.isArray(ids) ? idsProblem(ids) : "Choose groups from the list." });
  return [...new Set(ids as string[])];
}

export function password(p: unknown): string {
  check("password", { password: p === undefined ? "Enter a password." : passwordProblem(p) });
  return p as string;
}

export function groupCreate(i: CreateGroupInput) {
  check("group", {
    name: v.groupNameProblem(i.name),
    description: v.textProblem(i.description, 1024),
    parentId: i.parentId === undefined || i.parentId === null || v.isId(i.parentId) ? undefined : "Choose a parent group from the list.",
  });
  return { name: i.name, description: opt(i.description), parentId: i.parentId ?? null };
}

export function groupUpdate(i: UpdateGroupInput) {
  check("group", {
    name: i.name === undefined ? undefined : v.groupNameProblem(i.name),
    description: v.textProblem(i.description, 1024),
    parentId: i.parentId === undefined || i.parentId === null || v.isId(i.parentId) ? undefined : "Choose a parent group from the list.",
  });
  const out: { name?: string; description?: string | null; parentId?: string | null } = {};
  if (i.name !== undefined) out.name = i.name;
  if (i.description !== undefined) out.description = opt(i.description);
  if (i.parentId !== undefined) out.parentId = i.parentId;
  return out;
}

export function role(i: CreateRoleInput) {
  const trust = i.trustPolicy === undefined || i.trustPolicy === null ? {} : v.parseTrustPolicy(i.trustPolicy);
  const roleArn = typeof i.arn === "string" ? v.parseRoleArn(i.arn) : undefined;
  const provider = typeof i.samlProviderArn === "string" ? v.parseSamlProviderArn(i.samlProviderArn) : undefined;
  // AssumeRoleWithSAML takes the provider of the role's own account (id_roles_providers_saml).
  const sameAccount = !roleArn || !provider || (roleArn.partition === provider.partition && roleArn.accountId === provider.accountId);
  check("role", {
    arn: v.roleArnProblem(i.arn),
    samlProviderArn: v.samlProviderArnProblem(i.samlProviderArn) ?? (sameAccount ? undefined : "Use a SAML provider in the role's own account and partition."),
    maxSessionDuration: i.maxSessionDuration === undefined ? undefined : v.maxSessionDurationProblem(i.maxSessionDuration),
    trustPolicy: trust.problem,
    description: v.textProblem(i.description, 1024),
  });
  return {
    arn: i.arn,
    samlProviderArn: i.samlProviderArn,
    maxSessionDuration: i.maxSessionDuration ?? v.ROLE_MAX_SESSION.min,
    trustPolicy: (trust.policy ?? null) as JsonObject | null,
    description: opt(i.description),
  };
}

export function mapping(i: MapGroupInput) {
  check("mapping", {
    groupId: v.isId(i.groupId) ? undefined : "Choose a group from the list.",
    roleId: v.isId(i.roleId) ? undefined : "Choose a role from the list.",
    sessionDuration: v.mappingSessionDurationProblem(i.sessionDuration),
  });
  return { groupId: i.groupId, roleId: i.roleId, sessionDuration: i.sessionDuration ?? null };
}

export function accountAlias(i: AccountRecord) {
  check("account name", { accountId: v.accountIdProblem(i.accountId), alias: v.accountAliasProblem(i.alias) });
  return { accountId: i.accountId, alias: i.alias };
}

export function tagRule(i: TagRuleInput) {
  check("tag rule", {
    attribute: v.attributeNameProblem(i.attribute),
    tagKey: v.tagKeyProblem(i.tagKey),
    transitive: boolProblem(i.transitive),
  });
  return { attribute: i.attribute, tagKey: i.tagKey, transitive: i.transitive ?? false };
}

function listProblem(list: unknown, max: number, item: (x: unknown) => v.Problem, what: string, min = 0): v.Problem {
  if (!Array.isArray(list)) return `Enter a list of ${what}.`;
  if (list.length < min) return `Enter at least ${min} ${what}.`;
  if (list.length > max) return `Use at most ${max} ${what}.`;
  const bad = list.map(item).findIndex((p) => p !== undefined);
  return bad < 0 ? undefined : `${what} #${bad + 1}: ${item(list[bad])}`;
}

export function serviceProvider(i: ServiceProviderInput) {
  check("service provider", {
    entityId: v.entityIdProblem(i.entityId),
    name: typeof i.name === "string" && i.name.trim() !== "" ? v.textProblem(i.name, 128) : "Enter a name.",
    acsUrls: listProblem(i.acsUrls, 20, (u) => v.urlProblem(u, { httpOnly: true }), "ACS URLs", 1),
    sloUrl: opt(i.sloUrl) === null ? undefined : v.urlProblem(i.sloUrl, { httpOnly: true }),
    certificates: i.certificates === undefined ? undefined : listProblem(i.certificates, 10, v.certificateProblem, "certificates"),
    wantAuthnRequestsSigned: boolProblem(i.wantAuthnRequestsSigned),
    encryptAssertions: boolProblem(i.encryptAssertions),
    nameIdFormat: i.nameIdFormat === undefined || (v.NAMEID_FORMATS as readonly string[]).includes(i.nameIdFormat) ? undefined : "Choose a NameID format from the list.",
    profile: i.profile === undefined || i.profile === "aws" || i.profile === "generic" ? undefined : 'Choose "aws" or "generic".',
    signMode: i.signMode === undefined || ["assertion", "response", "both"].includes(i.signMode) ? undefined : 'Choose "assertion", "response" or "both".',
    encryptionAlgorithm: i.encryptionAlgorithm === undefined || ["aes256-gcm", "aes256-cbc"].includes(i.encryptionAlgorithm) ? undefined : 'Choose "aes256-gcm" or "aes256-cbc".',
    accessGroupIds: idsProblem(i.accessGroupIds),
  });
  return {
    entityId: i.entityId,
    name: i.name.trim(),
    acsUrls: [...i.acsUrls],
    sloUrl: opt(i.sloUrl),
    certificates: [...(i.certificates ?? [])],
    wantAuthnRequestsSigned: i.wantAuthnRequestsSigned ?? false,
    encryptAssertions: i.encryptAssertions ?? false,
    nameIdFormat: i.nameIdFormat ?? v.NAMEID_FORMATS[0],
    profile: (i.profile ?? "generic") as SpProfile,
    signMode: i.signMode ?? "assertion",
    encryptionAlgorithm: i.encryptionAlgorithm ?? "aes256-gcm",
    accessGroupIds: [...new Set(i.accessGroupIds ?? [])],
  };
}

function clientMetadataProblem(m: unknown, clientId: unknown): v.Problem {
  if (!v.isPlainObject(m)) return "Client metadata must be a JSON object.";
  if (m.client_id !== undefined && m.client_id !== clientId) return "metadata.client_id must equal the client ID.";
  if (m.redirect_uris !== undefined) return listProblem(m.redirect_uris, 20, (u) => v.urlProblem(u), "redirect URIs");
  return undefined;
}

export function oidcClient(i: OidcClientInput) {
  check("OIDC client", {
    clientId: v.clientIdProblem(i.clientId),
    name: typeof i.name === "string" && i.name.trim() !== "" ? v.textProblem(i.name, 128) : "Enter a name.",
    metadata: clientMetadataProblem(i.metadata, i.clientId),
    secretEnc: i.secretEnc === undefined || i.secretEnc === null || typeof i.secretEnc === "string" ? undefined : "Invalid secret.",
    firstParty: boolProblem(i.firstParty),
    accessGroupIds: idsProblem(i.accessGroupIds),
  });
  return {
    clientId: i.clientId,
    name: i.name.trim(),
    metadata: i.metadata,
    secretEnc: i.secretEnc ?? null,
    firstParty: i.firstParty ?? true,
    accessGroupIds: [...new Set(i.accessGroupIds ?? [])],
  };
}

// The upstream IdPs (UpstreamIdp rows), OpenID Connect or SAML 2.0: validated, audited writes for
// the CLI and admin page, and the enabled ones for the login page and flow. An OIDC client secret
// is sealed under the master key with the row's id as AAD, so a sealed secret copied onto another
// IdP's row fails to open. A SAML IdP has no secret: its signing certificates are public.
import { randomUUID, X509Certificate } from "node:crypto";
import type { AuditLog } from "../../audit/index.ts";
import { Conflict, DomainError, Invalid, NotFound } from "../../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { entityIdProblem } from "../../directory/validation.ts";
import { MAX_SIGNING_CERTIFICATES, parseIdpMetadata, toPem } from "../../saml/strict/index.ts";
import type { SecretBox } from "../mfa/totp-secrets.ts";

/** the login page reads the list on every view; CLI changes come from another process */
const LIST_TTL_MS = 30_000;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const CLAIM = /^[A-Za-z0-9_.:-]{1,64}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;
export const DEFAULT_SCOPES = ["openid", "profile", "email"];
export const DEFAULT_USERNAME_CLAIM = "preferred_username";
/** the SAML default: the assertion's Subject NameID proposes the username */
export const NAMEID = "NameID";
const SAML_ATTRIBUTE = /^[A-Za-z0-9_.:/#-]{1,256}$/;

export type UpstreamProtocol = "oidc" | "saml";

export type UpstreamIdpInput = OidcUpstreamInput | SamlUpstreamInput;

export interface OidcUpstreamInput {
  protocol?: "oidc";
  slug: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  usernameClaim?: string;
  enabled?: boolean;
}

/**
 * A SAML IdP from its metadata XML, or from entity ID + SSO URL + certificates; a field given
 * explicitly wins over the metadata's.
 */
export interface SamlUpstreamInput {
  protocol: "saml";
  slug: string;
  displayName: string;
  metadataXml?: string;
  entityId?: string;
  ssoUrl?: string;
  /** PEM or bare base64 DER */
  certificates?: string[];
  /** an attribute Name, or "NameID" (default) */
  usernameAttribute?: string;
  enabled?: boolean;
}

export interface UpstreamIdp {
  id: string;
  slug: string;
  displayName: string;
  protocol: UpstreamProtocol;
  /** OIDC: the issuer URL; SAML: the IdP's entity ID */
  issuer: string;
  clientId: string | null;
  scopes: string[];
  ssoUrl: string | null;
  certificates: string[];
  /** OIDC: an ID token claim; SAML: an attribute Name or "NameID" */
  usernameClaim: string;
  enabled: boolean;
  updatedAt: Date;
}

export type OidcUpstream = UpstreamIdp & { protocol: "oidc"; clientId: string; clientSecret: string };
export type SamlUpstream = UpstreamIdp & { protocol: "saml"; ssoUrl: string };

/** What the login page shows: a button per enabled IdP. */
export type UpstreamButton = Pick<UpstreamIdp, "slug" | "displayName">;

const SELECT = { id: true, slug: true, displayName: true, protocol: true, issuer: true, clientId: true, scopes: true, ssoUrl: true, certificates: true, usernameClaim: true, enabled: true, updatedAt: true } as const;

const secretAad = (id: string) => `upstream-idp:${id}`;

/** Plain http only for a loopback issuer (a local test IdP); anything reachable over a network must be https. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The fields both protocols share: slug and display name. */
function validateCommon(i: { slug: string; displayName: string }, fields: Record<string, string>): string {
  if (typeof i.slug !== "string" || !SLUG.test(i.slug)) fields.slug = "Use 1–32 lower-case letters, digits and -, starting and ending with a letter or digit.";
  const displayName = typeof i.displayName === "string" ? i.displayName.trim() : "";
  if (!displayName || displayName.length > 64) fields.displayName = "Enter a display name of at most 64 characters.";
  return displayName;
}

function refuse(fields: Record<string, string>): void {
  if (Object.keys(fields).length) throw new Invalid(`The upstream IdP is not valid: ${Object.entries(fields).map(([k, m]) => `${k}: ${m}`).join(" ")}`, fields);
}

/** An https URL (plain http only on a loopback address), or the problem with it. */
function urlProblem(value: unknown, what: string): string | undefined {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return `Enter the ${what} as an absolute URL.`;
  }
  if (url.search || url.hash || url.username || url.password) return `The ${what} has no query, fragment or credentials.`;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) return `The ${what} must be https (plain http only on a loopback address).`;
  return undefined;
}

function validate(i: OidcUpstreamInput): Required<OidcUpstreamInput> {
  const fields: Record<string, string> = {};
  const displayName = validateCommon(i, fields);
  const issuerProblem = urlProblem(i.issuer, "issuer");
  if (issuerProblem) fields.issuer = issuerProblem;
  if (typeof i.clientId !== "string" || !i.clientId || i.clientId.length > 255 || /[\s\u0000-\u001f]/.test(i.clientId)) fields.clientId = "Enter the client id the upstream IdP issued.";
  if (typeof i.clientSecret !== "string" || !i.clientSecret || i.clientSecret.length > 1024) fields.clientSecret = "Enter the client secret (at most 1024 characters).";
  const scopes = [...new Set(i.scopes ?? DEFAULT_SCOPES)];
  if (!scopes.includes("openid") || scopes.length > 20 || !scopes.every((s) => SCOPE.test(s))) fields.scopes = "Scopes are space-separated tokens and include openid.";
  const usernameClaim = i.usernameClaim ?? DEFAULT_USERNAME_CLAIM;
  if (!CLAIM.test(usernameClaim)) fields.usernameClaim = "Name one claim of the ID token.";
  refuse(fields);
  return { protocol: "oidc", slug: i.slug, displayName, issuer: i.issuer, clientId: i.clientId, clientSecret: i.clientSecret, scopes, usernameClaim, enabled: i.enabled ?? true };
}

interface ValidSaml {
  slug: string;
  displayName: string;
  entityId: string;
  ssoUrl: string;
  certificates: string[];
  usernameAttribute: string;
  enabled: boolean;
}

function validateSaml(i: SamlUpstreamInput): ValidSaml {
  const fields: Record<string, string> = {};
  const displayName = validateCommon(i, fields);
  let fromMetadata: ReturnType<typeof parseIdpMetadata> | undefined;
  const hasMetadata = typeof i.metadataXml === "string" && i.metadataXml.trim() !== "";
  if (hasMetadata) {
    try {
      fromMetadata = parseIdpMetadata(i.metadataXml!.trim());
    } catch (err) {
      fields.metadata = err instanceof DomainError ? err.message : "The IdP metadata could not be read.";
    }
  } else if (!(i.entityId || i.ssoUrl || i.certificates?.length)) {
    fields.metadata = "Give the IdP's metadata XML, or its entity ID, SSO URL and signing certificate.";
  }
  // without readable metadata, the fields it would have given are not reported one by one
  const entityId = (i.entityId?.trim() || fromMetadata?.entityId) ?? "";
  const ssoUrl = (i.ssoUrl?.trim() || fromMetadata?.ssoRedirectUrl) ?? "";
  let certificates: string[] = [];
  if (!fields.metadata) {
    const idProblem = entityIdProblem(entityId);
    if (idProblem) fields.entityId = idProblem;
    const ssoProblem = ssoUrl ? urlProblem(ssoUrl, "SSO URL") : "Enter the IdP's SingleSignOnService URL for the HTTP-Redirect binding.";
    if (ssoProblem) fields.ssoUrl = ssoProblem;
    try {
      certificates = [...new Set((i.certificates?.length ? i.certificates : fromMetadata?.certificatesPem ?? []).map(signingCertificate))];
      if (certificates.length === 0 || certificates.length > MAX_SIGNING_CERTIFICATES) fields.certificates = `Give 1–${MAX_SIGNING_CERTIFICATES} signing certificates (PEM), or metadata that has them.`;
    } catch (err) {
      fields.certificates = err instanceof Error ? err.message : "A certificate could not be read.";
    }
  }
  const usernameAttribute = i.usernameAttribute?.trim() || NAMEID;
  if (!SAML_ATTRIBUTE.test(usernameAttribute)) fields.usernameAttribute = `Name one attribute of the assertion, or ${NAMEID}.`;
  refuse(fields);
  return { slug: i.slug, displayName, entityId, ssoUrl, certificates, usernameAttribute, enabled: i.enabled ?? true };
}

/** A PEM (or bare base64) X.509 certificate with an RSA key, as PEM; anything else throws with a message. */
function signingCertificate(value: string): string {
  const body = String(value).replace(/-----(BEGIN|END) CERTIFICATE-----/g, "");
  let pem: string;
  let cert: X509Certificate;
  try {
    pem = toPem(body);
    cert = new X509Certificate(pem);
  } catch {
    throw new Error("A signing certificate is not a valid X.509 certificate (PEM).");
  }
  if (cert.publicKey.asymmetricKeyType !== "rsa") throw new Error("Signing certificates must hold RSA keys (RSA-SHA256/512 signatures).");
  return pem;
}

export class UpstreamIdps {
  private listed?: { at: number; buttons: UpstreamButton[] };

  constructor(private readonly deps: { prisma: PrismaClient; box: SecretBox; audit: AuditLog }) {}

  async add(input: UpstreamIdpInput, actor: string): Promise<UpstreamIdp> {
    if (input.protocol === "saml") return this.addSaml(input, actor);
    const i = validate(input);
    const id = randomUUID();
    const { prisma, audit, box } = this.deps;
    const row = await prisma.$transaction(async (tx) => {
      await slugFree(tx, i.slug);
      const created = await tx.upstreamIdp.create({
        data: { id, slug: i.slug, displayName: i.displayName, issuer: i.issuer, clientId: i.clientId, clientSecretEnc: box.seal(i.clientSecret, secretAad(id)), scopes: i.scopes, usernameClaim: i.usernameClaim, enabled: i.enabled },
        select: SELECT,
      });
      await audit.record({ actor, action: "upstream.add", target: `upstream:${i.slug}`, outcome: "success", details: { issuer: i.issuer, clientId: i.clientId, scopes: i.scopes, usernameClaim: i.usernameClaim, enabled: i.enabled } }, tx);
      return created;
    });
    this.listed = undefined;
    return row as UpstreamIdp;
  }

  private async addSaml(input: SamlUpstreamInput, actor: string): Promise<UpstreamIdp> {
    const i = validateSaml(input);
    const { prisma, audit } = this.deps;
    const row = await prisma.$transaction(async (tx) => {
      await slugFree(tx, i.slug);
      const created = await tx.upstreamIdp.create({
        data: { slug: i.slug, displayName: i.displayName, protocol: "saml", issuer: i.entityId, ssoUrl: i.ssoUrl, certificates: i.certificates, scopes: [], usernameClaim: i.usernameAttribute, enabled: i.enabled },
        select: SELECT,
      });
      const fingerprints = i.certificates.map((pem) => new X509Certificate(pem).fingerprint256);
      await audit.record({ actor, action: "upstream.add", target: `upstream:${i.slug}`, outcome: "success", details: { protocol: "saml", entityId: i.entityId, ssoUrl: i.ssoUrl, certificates: fingerprints, usernameAttribute: i.usernameAttribute, enabled: i.enabled } }, tx);
      return created;
    });
    this.listed = undefined;
    return row as UpstreamIdp;
  }

  /** Removes the IdP, its links (the local users stay) and its sign-ins in flight. */
  async remove(slug: string, actor: string): Promise<void> {
    const { prisma, audit } = this.deps;
    await prisma.$transaction(async (tx) => {
      const row = await tx.upstreamIdp.findUnique({ where: { slug }, select: { id: true, _count: { select: { links: true } } } });
      if (!row) throw new NotFound(`No upstream IdP with slug ${slug}.`);
      await tx.upstreamIdp.delete({ where: { id: row.id } });
      await audit.record({ actor, action: "upstream.remove", target: `upstream:${slug}`, outcome: "success", details: { linksRemoved: row._count.links } }, tx);
    });
    this.listed = undefined;
  }

  async setEnabled(slug: string, enabled: boolean, actor: string): Promise<void> {
    const { prisma, audit } = this.deps;
    await prisma.$transaction(async (tx) => {
      const changed = await tx.upstreamIdp.updateMany({ where: { slug }, data: { enabled } });
      if (changed.count !== 1) throw new NotFound(`No upstream IdP with slug ${slug}.`);
      await audit.record({ actor, action: enabled ? "upstream.enable" : "upstream.disable", target: `upstream:${slug}`, outcome: "success" }, tx);
    });
    this.listed = undefined;
  }

  list(): Promise<(UpstreamIdp & { links: number })[]> {
    return this.deps.prisma.upstreamIdp
      .findMany({ select: { ...SELECT, _count: { select: { links: true } } }, orderBy: { slug: "asc" } })
      .then((rows) => rows.map(({ _count, ...r }) => ({ ...(r as UpstreamIdp), links: _count.links })));
  }

  /** Enabled IdPs for the login page, cached briefly. */
  async buttons(): Promise<UpstreamButton[]> {
    const now = Date.now();
    if (this.listed && now - this.listed.at < LIST_TTL_MS) return this.listed.buttons;
    const buttons = await this.deps.prisma.upstreamIdp.findMany({ where: { enabled: true }, select: { slug: true, displayName: true }, orderBy: { displayName: "asc" } });
    this.listed = { at: now, buttons };
    return buttons;
  }

  /** An enabled IdP (an OIDC one with its client secret), or undefined (unknown and disabled look the same). */
  async enabled(slug: string): Promise<OidcUpstream | SamlUpstream | undefined> {
    if (!SLUG.test(slug)) return undefined;
    const row = await this.deps.prisma.upstreamIdp.findFirst({ where: { slug, enabled: true }, select: { ...SELECT, clientSecretEnc: true } });
    if (!row) return undefined;
    const { clientSecretEnc, ...idp } = row;
    if (idp.protocol === "saml") return idp.ssoUrl ? ({ ...idp, protocol: "saml", ssoUrl: idp.ssoUrl } as SamlUpstream) : undefined;
    if (idp.protocol !== "oidc" || !idp.clientId || !clientSecretEnc) return undefined;
    return { ...idp, protocol: "oidc", clientId: idp.clientId, clientSecret: this.deps.box.open(clientSecretEnc, secretAad(row.id)).toString("utf8") } as OidcUpstream;
  }
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** The unique index still guards a race between two adds; this gives the usual case a clear message. */
async function slugFree(tx: Tx, slug: string): Promise<void> {
  if (await tx.upstreamIdp.findUnique({ where: { slug }, select: { id: true } })) {
    throw new Conflict(`An upstream IdP with slug ${slug} already exists.`, { slug: "Already in use." });
  }
}

// The rules for an upstream IdP's fields, shared by add and update (upstream-idps.ts): each
// validator takes the whole would-be row (an update merges its changes onto the stored row first)
// and throws Invalid naming every refused field, or returns the normalised values to store.
import { X509Certificate } from "node:crypto";
import { entityIdProblem } from "../../directory/validation.ts";
import { DomainError, Invalid } from "../../errors.ts";
import { MAX_SIGNING_CERTIFICATES, parseIdpMetadata, toPem } from "../../saml/strict/index.ts";

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const CLAIM = /^[A-Za-z0-9_.:-]{1,64}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;
export const DEFAULT_SCOPES = ["openid", "profile", "email"];
export const DEFAULT_USERNAME_CLAIM = "preferred_username";
/** the SAML default: the assertion's Subject NameID proposes the username */
export const NAMEID = "NameID";
/** a SAML attribute Name (often a URI), or an OIDC claim name in a group mapper */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9_.:/#-]{1,256}$/;

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

/** Plain http only for a loopback issuer (a local test IdP); anything reachable over a network must be https. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** The fields both protocols share: slug, display name and enabled. */
function validateCommon(i: { slug: string; displayName: string; enabled?: boolean }, fields: Record<string, string>): string {
  if (typeof i.slug !== "string" || !SLUG.test(i.slug)) fields.slug = "Use 1–32 lower-case letters, digits and -, starting and ending with a letter or digit.";
  const displayName = typeof i.displayName === "string" ? i.displayName.trim() : "";
  if (!displayName || displayName.length > 64) fields.displayName = "Enter a display name of at most 64 characters.";
  if (i.enabled !== undefined && typeof i.enabled !== "boolean") fields.enabled = "Enabled is true or false.";
  return displayName;
}

export function refuse(fields: Record<string, string>): void {
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

/**
 * An OpenID Connect IdP. With `keepSecret` (an update that does not replace the stored secret) the
 * client secret may be absent; a secret that is given is checked either way.
 */
export function validate(i: Omit<OidcUpstreamInput, "clientSecret"> & { clientSecret?: string }, keepSecret = false): Required<OidcUpstreamInput> {
  const fields: Record<string, string> = {};
  const displayName = validateCommon(i, fields);
  const issuerProblem = typeof i.issuer === "string" ? urlProblem(i.issuer, "issuer") : "Enter the issuer as an absolute URL.";
  if (issuerProblem) fields.issuer = issuerProblem;
  if (typeof i.clientId !== "string" || !i.clientId || i.clientId.length > 255 || /[\s\u0000-\u001f]/.test(i.clientId)) fields.clientId = "Enter the client id the upstream IdP issued.";
  if (!(keepSecret && i.clientSecret === undefined) && (typeof i.clientSecret !== "string" || !i.clientSecret || i.clientSecret.length > 1024)) fields.clientSecret = "Enter the client secret (at most 1024 characters).";
  const scopes = isStrings(i.scopes ?? DEFAULT_SCOPES) ? [...new Set(i.scopes ?? DEFAULT_SCOPES)] : [];
  if (!scopes.includes("openid") || scopes.length > 20 || !scopes.every((s) => SCOPE.test(s))) fields.scopes = "Scopes are space-separated tokens and include openid.";
  const usernameClaim = i.usernameClaim ?? DEFAULT_USERNAME_CLAIM;
  if (typeof usernameClaim !== "string" || !CLAIM.test(usernameClaim)) fields.usernameClaim = "Name one claim of the ID token.";
  refuse(fields);
  return { protocol: "oidc", slug: i.slug, displayName, issuer: i.issuer, clientId: i.clientId, clientSecret: i.clientSecret ?? "", scopes, usernameClaim, enabled: i.enabled ?? true };
}

export interface ValidSaml {
  slug: string;
  displayName: string;
  entityId: string;
  ssoUrl: string;
  certificates: string[];
  usernameAttribute: string;
  enabled: boolean;
}

export function validateSaml(i: SamlUpstreamInput): ValidSaml {
  const fields: Record<string, string> = {};
  const displayName = validateCommon(i, fields);
  // (a certificate of the wrong type is reported by the certificate reader below)
  for (const k of ["metadataXml", "entityId", "ssoUrl", "usernameAttribute"] as const) if (i[k] !== undefined && typeof i[k] !== "string") fields[k] = "Give this as text.";
  refuse(fields);
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
  if (!ATTRIBUTE_NAME.test(usernameAttribute)) fields.usernameAttribute = `Name one attribute of the assertion, or ${NAMEID}.`;
  refuse(fields);
  return { slug: i.slug, displayName, entityId, ssoUrl, certificates, usernameAttribute, enabled: i.enabled ?? true };
}

/** The SHA-256 fingerprints of PEM certificates: what the audit log says about them. */
export const fingerprints = (pems: readonly string[]): string[] => pems.map((pem) => new X509Certificate(pem).fingerprint256);

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

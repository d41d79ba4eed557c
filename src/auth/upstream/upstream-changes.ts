// An in-place edit of an upstream IdP (UpstreamIdps.update): the changes merged onto the stored
// row and validated by the same rules as an add (upstream-validation.ts), the columns to write,
// and what the audit log says about them (field names and new values, never the client secret;
// SAML certificates as SHA-256 fingerprints).
import { fingerprints, refuse, validate, validateSaml } from "./upstream-validation.ts";

export interface UpstreamIdpChanges {
  /** not changeable (in the redirect URI / SP entity ID registered at the upstream): refused unless equal */
  slug?: string;
  protocol?: string;
  displayName?: string;
  enabled?: boolean;
  // OpenID Connect
  issuer?: string;
  clientId?: string;
  /** re-sealed with the row's id as AAD; absent = keep the stored one */
  clientSecret?: string;
  scopes?: string[];
  usernameClaim?: string;
  // SAML: new metadata is read again (entity ID, SSO URL, certificates); explicit fields win over it
  metadataXml?: string;
  entityId?: string;
  ssoUrl?: string;
  certificates?: string[];
  usernameAttribute?: string;
  /** the issuer / entity ID may change although users are linked (see UpstreamIdps.update) */
  force?: boolean;
}

/** The stored columns an edit may touch. */
export interface StoredIdp {
  slug: string;
  protocol: string;
  displayName: string;
  enabled: boolean;
  issuer: string;
  clientId: string | null;
  scopes: string[];
  usernameClaim: string;
  ssoUrl: string | null;
  certificates: string[];
}

const OIDC_ONLY = ["issuer", "clientId", "clientSecret", "scopes", "usernameClaim"] as const;
const SAML_ONLY = ["metadataXml", "entityId", "ssoUrl", "certificates", "usernameAttribute"] as const;
/** column → the name a SAML IdP's field has in inputs and audit details */
const SAML_NAMES: Record<string, string> = { issuer: "entityId", usernameClaim: "usernameAttribute" };

export interface PlannedChange {
  /** the columns to write (the client secret is sealed by the caller) */
  data: Partial<StoredIdp>;
  /** the changed fields by their input names, e.g. ["clientSecret", "scopes"] */
  changed: string[];
  /** the issuer (OIDC) or entity ID (SAML) differs from the stored one */
  issuerChanged: boolean;
  details: Record<string, unknown>;
}

export function planChange(current: StoredIdp, c: UpstreamIdpChanges): PlannedChange {
  const saml = current.protocol === "saml";
  const fields: Record<string, string> = {};
  if (c.slug !== undefined && c.slug !== current.slug) fields.slug = "The slug cannot change: it is in the URLs registered at the upstream IdP. Add a new IdP instead.";
  if (c.protocol !== undefined && c.protocol !== current.protocol) fields.protocol = "The protocol cannot change. Add a new IdP instead.";
  for (const k of saml ? OIDC_ONLY : SAML_ONLY) if (c[k] !== undefined) fields[k] = saml ? "Only for an OpenID Connect IdP." : "Only for a SAML IdP.";
  if (c.force !== undefined && typeof c.force !== "boolean") fields.force = "Force is true or false.";
  refuse(fields);
  const common = { slug: current.slug, displayName: c.displayName ?? current.displayName, enabled: c.enabled ?? current.enabled };
  let after: Partial<StoredIdp>;
  if (saml) {
    // new metadata replaces what the stored row had from the old; without it the stored values stay unless given
    const fresh = typeof c.metadataXml === "string" && c.metadataXml.trim() !== "";
    const v = validateSaml({
      protocol: "saml", ...common, metadataXml: c.metadataXml,
      entityId: fresh ? c.entityId : c.entityId ?? current.issuer,
      ssoUrl: fresh ? c.ssoUrl : c.ssoUrl ?? current.ssoUrl ?? undefined,
      certificates: fresh ? c.certificates : c.certificates ?? current.certificates,
      usernameAttribute: c.usernameAttribute ?? current.usernameClaim,
    });
    after = { displayName: v.displayName, enabled: v.enabled, issuer: v.entityId, ssoUrl: v.ssoUrl, certificates: v.certificates, usernameClaim: v.usernameAttribute };
  } else {
    const v = validate({ ...common, issuer: c.issuer ?? current.issuer, clientId: c.clientId ?? current.clientId ?? "", clientSecret: c.clientSecret, scopes: c.scopes ?? current.scopes, usernameClaim: c.usernameClaim ?? current.usernameClaim }, true);
    after = { displayName: v.displayName, enabled: v.enabled, issuer: v.issuer, clientId: v.clientId, scopes: v.scopes, usernameClaim: v.usernameClaim };
  }
  const data: Partial<StoredIdp> = {};
  const details: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(after) as [keyof StoredIdp, unknown][]) {
    if (JSON.stringify(value) === JSON.stringify(current[column])) continue;
    (data as Record<string, unknown>)[column] = value;
    const name = (saml && SAML_NAMES[column]) || column;
    details[name] = column === "certificates" ? fingerprints(value as string[]) : value;
  }
  const changed = [...Object.keys(details), ...(c.clientSecret !== undefined ? ["clientSecret"] : [])].sort();
  return { data, changed, issuerChanged: "issuer" in data, details: { changed, ...details } };
}

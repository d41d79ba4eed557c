// GET /saml/metadata: the IdP's EntityDescriptor (SAML Metadata §2.4.3). entityID is the base URL;
// SSO and SLO endpoints for HTTP-Redirect and HTTP-POST; the NameID formats we issue; and every
// published signing certificate (next, active, recently retired), so SPs and IAM trust a key
// before it signs and keep trusting it for a while after a rotation. Optionally signed.
import type { PublicKeyInfo } from "../keys/index.ts";
import { NAMEID_FORMATS } from "../directory/index.ts";
import { newId } from "./response.ts";
import { signElement, type Signer } from "./signing.ts";
import { esc } from "./xml.ts";

export const BINDINGS = {
  redirect: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
  post: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
} as const;

export function idpEndpoints(baseUrl: string) {
  return { sso: `${baseUrl}/saml/sso`, slo: `${baseUrl}/saml/slo`, metadata: `${baseUrl}/saml/metadata` };
}

/**
 * One KeyDescriptor use="signing" per published key (needs xmlns:md and xmlns:ds in scope). Both
 * our IdP metadata and our upstream SP metadata carry these, so a peer that imported either keeps
 * verifying across a rotation: the next key is trusted before it signs.
 */
export function signingKeyDescriptors(keys: readonly Pick<PublicKeyInfo, "kid" | "certificateBase64">[]): string {
  return keys
    .map((k) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:KeyName>${esc(k.kid)}</ds:KeyName><ds:X509Data><ds:X509Certificate>${k.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join("");
}

export function buildIdpMetadata(baseUrl: string, keys: readonly PublicKeyInfo[], opts: { signer?: Signer; validUntil?: Date } = {}): string {
  const ep = idpEndpoints(baseUrl);
  const id = newId();
  const endpoints = (kind: "SingleLogoutService" | "SingleSignOnService", url: string) =>
    `<md:${kind} Binding="${BINDINGS.redirect}" Location="${esc(url)}"/><md:${kind} Binding="${BINDINGS.post}" Location="${esc(url)}"/>`;
  const validUntil = opts.validUntil ? ` validUntil="${opts.validUntil.toISOString()}"` : "";
  const xml =
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="${id}" entityID="${esc(baseUrl)}"${validUntil}>` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    signingKeyDescriptors(keys) +
    endpoints("SingleLogoutService", ep.slo) +
    NAMEID_FORMATS.map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`).join("") +
    endpoints("SingleSignOnService", ep.sso) +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`;
  // the metadata schema wants ds:Signature as the EntityDescriptor's first child
  return opts.signer ? signElement(xml, id, opts.signer, "firstChild") : xml;
}

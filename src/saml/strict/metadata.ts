// Reads what an IAM SAML provider (and an upstream SAML IdP) keeps from IdP metadata: the entity
// ID, the signing certificates (≤ 10, IAM's quota) and the HTTP-Redirect SingleSignOnService
// location, when there is one. Same safe parser as for responses.
import { Invalid } from "../../errors.ts";
import { NS, children, descendants, parseXml } from "./xml.ts";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
export const REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
/** IAM's quota of signing certificates per SAML provider; upstream SAML IdPs keep the same bound */
export const MAX_SIGNING_CERTIFICATES = 10;

export function parseIdpMetadata(xml: string): { entityId: string; certificatesPem: string[]; ssoRedirectUrl?: string } {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Invalid("SAML metadata must not contain a DTD.");
  let doc;
  try {
    doc = parseXml(xml);
  } catch {
    throw new Invalid("SAML metadata is not well-formed XML.");
  }
  const root = doc.documentElement!;
  const entity = root.localName === "EntityDescriptor" ? root : descendants(doc, MD, "EntityDescriptor")[0];
  const entityId = entity?.getAttribute("entityID");
  if (!entity || !entityId) throw new Invalid("SAML metadata has no EntityDescriptor entityID.");
  const idp = children(entity, MD, "IDPSSODescriptor")[0];
  if (!idp) throw new Invalid("SAML metadata has no IDPSSODescriptor.");
  const certs: string[] = [];
  for (const kd of children(idp, MD, "KeyDescriptor")) {
    const use = kd.getAttribute("use");
    if (use && use !== "signing") continue;
    for (const c of descendants(kd, NS.ds, "X509Certificate")) certs.push(toPem(c.textContent ?? ""));
  }
  if (certs.length === 0) throw new Invalid("SAML metadata has no signing certificate.");
  if (certs.length > MAX_SIGNING_CERTIFICATES) throw new Invalid(`SAML metadata may name at most ${MAX_SIGNING_CERTIFICATES} signing certificates (the limit of an IAM SAML provider).`);
  const sso = children(idp, MD, "SingleSignOnService").find((e) => e.getAttribute("Binding") === REDIRECT_BINDING);
  return { entityId, certificatesPem: certs, ssoRedirectUrl: sso?.getAttribute("Location") || undefined };
}

export function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw new Invalid("X509Certificate is not base64.");
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

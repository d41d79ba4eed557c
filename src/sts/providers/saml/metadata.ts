// Reads what an IAM SAML provider keeps from IdP metadata: the entity ID and the signing
// certificates (≤ 10 per provider, IAM quota). Same safe parser as for responses.
import { Invalid } from "../../../errors.ts";
import { NS, children, descendants, parseXml } from "./xml.ts";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";

export function parseIdpMetadata(xml: string): { entityId: string; certificatesPem: string[] } {
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
  if (certs.length > 10) throw new Invalid("An IAM SAML provider holds at most 10 signing certificates.");
  return { entityId, certificatesPem: certs };
}

export function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw new Invalid("X509Certificate is not base64.");
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

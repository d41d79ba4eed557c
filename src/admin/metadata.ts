// Minimal SAML 2.0 SP metadata import (saml-metadata-2.0-os §2.3.2, §2.4.4): entityID, ACS URLs
// (HTTP-POST first, by index), SLO URL, signing/encryption certificates, AuthnRequestsSigned.
// Only reads values; never resolves entities: a DOCTYPE is refused outright (XXE, entity
// expansion; reference/security.md), as is anything over 256 kB (the form limit).
import { createRequire } from "node:module";
import { Invalid } from "../errors.ts";

// Loaded without its type declarations: they pull the DOM lib into the whole program, whose
// WebCrypto types then clash with node:crypto's. The few members used are typed here.
interface XmlElement {
  namespaceURI: string | null;
  localName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(ns: string, name: string): ArrayLike<XmlElement>;
}
type Parser = new (opts: { errorHandler?: (level: string, msg: string) => void }) => { parseFromString(xml: string, type: string): { documentElement: XmlElement | null } | undefined };
const { DOMParser } = createRequire(import.meta.url)("@xmldom/xmldom") as { DOMParser: Parser };

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

export interface ImportedSp {
  entityId: string;
  acsUrls: string[];
  sloUrl: string | null;
  certificates: string[];
  encryptionCertificates: string[];
  wantAuthnRequestsSigned: boolean;
}

const bad = (message: string) => new Invalid(`Metadata: ${message}`, { metadata: message });

export function parseSpMetadata(xml: string): ImportedSp {
  if (typeof xml !== "string" || xml.trim() === "") throw bad("Paste the service provider's metadata XML.");
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw bad("Documents with a DOCTYPE are refused.");
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: (level, msg) => void (level !== "warning" && errors.push(msg)) }).parseFromString(xml, "text/xml");
  if (errors.length || !doc?.documentElement) throw bad("Not well-formed XML.");
  const root = doc.documentElement;
  let entity: XmlElement = root;
  if (root.namespaceURI === MD && root.localName === "EntitiesDescriptor") {
    const list = root.getElementsByTagNameNS(MD, "EntityDescriptor");
    if (list.length !== 1) throw bad("Paste the metadata of exactly one service provider.");
    entity = list[0]!;
  }
  if (entity.namespaceURI !== MD || entity.localName !== "EntityDescriptor") throw bad("The root element is not a SAML 2.0 md:EntityDescriptor.");
  const entityId = entity.getAttribute("entityID") ?? "";
  if (!entityId) throw bad("The EntityDescriptor has no entityID.");
  const sso = entity.getElementsByTagNameNS(MD, "SPSSODescriptor")[0];
  if (!sso) throw bad("No SPSSODescriptor: this is not a service provider's metadata.");

  const acs = Array.from(sso.getElementsByTagNameNS(MD, "AssertionConsumerService"))
    .map((e) => ({ binding: e.getAttribute("Binding"), url: e.getAttribute("Location") ?? "", index: Number(e.getAttribute("index") ?? 0), isDefault: e.getAttribute("isDefault") === "true" }))
    .filter((a) => a.binding === POST && a.url)
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.index - b.index);
  if (acs.length === 0) throw bad("No AssertionConsumerService with the HTTP-POST binding.");
  const slo = Array.from(sso.getElementsByTagNameNS(MD, "SingleLogoutService")).find((e) => e.getAttribute("Location"));

  const certs = (use: string) =>
    Array.from(sso.getElementsByTagNameNS(MD, "KeyDescriptor"))
      .filter((k) => !k.getAttribute("use") || k.getAttribute("use") === use)
      .flatMap((k) => Array.from(k.getElementsByTagNameNS(DS, "X509Certificate")).map((c) => (c.textContent ?? "").replace(/\s+/g, "")))
      .filter(Boolean);
  return {
    entityId,
    acsUrls: [...new Set(acs.map((a) => a.url))],
    sloUrl: slo?.getAttribute("Location") ?? null,
    certificates: [...new Set(certs("signing"))],
    encryptionCertificates: [...new Set(certs("encryption"))],
    wantAuthnRequestsSigned: sso.getAttribute("AuthnRequestsSigned") === "true",
  };
}

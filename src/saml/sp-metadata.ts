// SP registration from SAML metadata (SAML Metadata §2.4.4 SPSSODescriptor): the entity ID, the
// HTTP-POST ACS URLs (default first, then by index), an SLO URL, the SP's certificates (encryption
// ones first: the IdP encrypts to certificates[0]), whether it signs AuthnRequests, and a NameID
// format we issue. Parsed with the same safe parser as protocol messages; the directory's input
// validation then checks every value again before anything is stored.
import { NAMEID_FORMATS, type DirectoryService, type ServiceProviderInput, type ServiceProviderRecord } from "../directory/index.ts";
import { Invalid } from "../errors.ts";
import { SamlError } from "./errors.ts";
import { BINDINGS } from "./metadata.ts";
import { NS, attr, children, parseXml, textOf } from "./xml.ts";

export type ParsedSpMetadata = Required<Pick<ServiceProviderInput, "entityId" | "acsUrls" | "certificates" | "wantAuthnRequestsSigned" | "nameIdFormat">> & { sloUrl: string | null };

export function parseSpMetadata(xml: string): ParsedSpMetadata {
  let doc: Document;
  try {
    doc = parseXml(xml, "SP metadata");
  } catch (err) {
    if (err instanceof SamlError) throw new Invalid(err.message, { metadata: err.message });
    throw err;
  }
  const bad = (m: string) => new Invalid(`SP metadata: ${m}`, { metadata: m });
  const root = doc.documentElement!;
  if (root.namespaceURI !== NS.md || root.localName !== "EntityDescriptor") throw bad("the root element must be md:EntityDescriptor (one SP per import).");
  const entityId = attr(root, "entityID");
  if (!entityId) throw bad("entityID is missing.");
  const descriptors = children(root, NS.md, "SPSSODescriptor");
  if (descriptors.length !== 1) throw bad("exactly one SPSSODescriptor is required.");
  const sp = descriptors[0]!;

  const acs = children(sp, NS.md, "AssertionConsumerService")
    .filter((e) => attr(e, "Binding") === BINDINGS.post)
    .map((e) => ({ url: attr(e, "Location") ?? "", index: Number(attr(e, "index") ?? 0), isDefault: attr(e, "isDefault") === "true" }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.index - b.index);
  if (acs.length === 0) throw bad("no AssertionConsumerService with the HTTP-POST binding.");

  const slo = children(sp, NS.md, "SingleLogoutService");
  const sloEl = slo.find((e) => attr(e, "Binding") === BINDINGS.redirect) ?? slo.find((e) => attr(e, "Binding") === BINDINGS.post);
  const sloUrl = (sloEl && attr(sloEl, "Location")) ?? null;

  const certs: { use: string; cert: string }[] = [];
  for (const kd of children(sp, NS.md, "KeyDescriptor")) {
    for (const ki of children(kd, NS.ds, "KeyInfo")) {
      for (const x of children(ki, NS.ds, "X509Data")) {
        for (const c of children(x, NS.ds, "X509Certificate")) certs.push({ use: attr(kd, "use") ?? "", cert: textOf(c).replace(/\s+/g, "") });
      }
    }
  }
  certs.sort((a, b) => Number(b.use === "encryption") - Number(a.use === "encryption"));

  const formats = children(sp, NS.md, "NameIDFormat").map((e) => textOf(e).trim());
  const nameIdFormat = formats.find((f) => (NAMEID_FORMATS as readonly string[]).includes(f)) ?? NAMEID_FORMATS[0];
  return {
    entityId,
    acsUrls: acs.map((a) => a.url),
    sloUrl,
    certificates: [...new Set(certs.map((c) => c.cert))],
    wantAuthnRequestsSigned: attr(sp, "AuthnRequestsSigned") === "true",
    nameIdFormat,
  };
}

/** Creates the SP, or updates the one with the same entity ID, from its metadata (audited by the directory). */
export async function importSpMetadata(
  directory: DirectoryService,
  xml: string,
  extra: Pick<ServiceProviderInput, "name" | "profile" | "encryptAssertions" | "signMode" | "accessGroupIds"> | Partial<ServiceProviderInput>,
  actor: string,
): Promise<ServiceProviderRecord> {
  const parsed = parseSpMetadata(xml);
  const existing = (await directory.snapshot()).spByEntityId.get(parsed.entityId);
  if (existing) return directory.updateServiceProvider(existing.id, existing.version, { ...extra, ...parsed }, actor);
  return directory.createServiceProvider({ name: parsed.entityId, ...extra, ...parsed }, actor);
}

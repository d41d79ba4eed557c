// SP metadata import: the fields an admin needs, and hostile or wrong documents refused.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSpMetadata } from "../../../src/admin/metadata.ts";
import { Invalid } from "../../../src/errors.ts";

const sp = (inner: string, attrs = "") =>
  `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://sp.example.com"><md:SPSSODescriptor ${attrs} protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${inner}</md:SPSSODescriptor></md:EntityDescriptor>`;
const acs = (url: string, index: number, binding = "HTTP-POST", isDefault = false) =>
  `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${url}" index="${index}"${isDefault ? ' isDefault="true"' : ""}/>`;
const key = (use: string | null, cert: string) => `<md:KeyDescriptor${use ? ` use="${use}"` : ""}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

describe("SP metadata import", () => {
  test("entityID, POST ACS URLs (default first, then by index), SLO, certificates by use, AuthnRequestsSigned", () => {
    const m = parseSpMetadata(sp(key("signing", "SIGN\nCERT==") + key("encryption", "ENC") + key(null, "BOTH") + '<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sp.example.com/slo"/>' + acs("https://sp.example.com/b", 2) + acs("https://sp.example.com/a", 1) + acs("https://sp.example.com/art", 0, "HTTP-Artifact") + acs("https://sp.example.com/d", 5, "HTTP-POST", true), 'AuthnRequestsSigned="true"'));
    assert.deepEqual(m, {
      entityId: "https://sp.example.com",
      acsUrls: ["https://sp.example.com/d", "https://sp.example.com/a", "https://sp.example.com/b"],
      sloUrl: "https://sp.example.com/slo",
      certificates: ["SIGNCERT==", "BOTH"],
      encryptionCertificates: ["ENC", "BOTH"],
      wantAuthnRequestsSigned: true,
    });
  });

  test("EntitiesDescriptor with one entity is accepted", () => {
    const m = parseSpMetadata(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${sp(acs("https://sp.example.com/a", 0)).replace(' xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"', "")}</md:EntitiesDescriptor>`);
    assert.equal(m.entityId, "https://sp.example.com");
    assert.equal(m.wantAuthnRequestsSigned, false);
  });

  for (const [name, xml, message] of [
    ["empty", "", /Paste/],
    ["DOCTYPE (XXE)", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${sp(acs("https://a", 0))}`, /DOCTYPE/],
    ["billion laughs", `<!doctype lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><x>&lol2;</x>`, /DOCTYPE/],
    ["not XML", "hello", /well-formed|EntityDescriptor/],
    ["wrong namespace", '<EntityDescriptor entityID="x"/>', /EntityDescriptor/],
    ["IdP metadata", '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>', /SPSSODescriptor/],
    ["no entityID", '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><md:SPSSODescriptor/></md:EntityDescriptor>', /entityID/],
    ["no POST ACS", sp(acs("https://a", 0, "HTTP-Artifact")), /HTTP-POST/],
  ] as const) {
    test(`refused: ${name}`, () => {
      assert.throws(() => parseSpMetadata(xml), (err: unknown) => err instanceof Invalid && message.test(err.message) && typeof err.fields.metadata === "string");
    });
  }
});

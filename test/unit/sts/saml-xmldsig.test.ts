// The STS's own XML-DSig core validation (src/saml/strict/xmldsig.ts, shared with the upstream SAML sign-in) against xml-crypto's
// SignedXml.checkSignature, the library it replaces on the hot path: on every document both must
// agree (valid or not), and for valid ones the signed octets must be the same bytes as
// getSignedReferences() returns. Also: the received tree is never left modified, and shapes
// outside the profile are refused with SignatureProfileError.
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import { before, describe, test } from "node:test";
import { SignedXml } from "xml-crypto";
import { generateSigningKey } from "../../../src/keys/generate.ts";
import type { Services } from "../../../src/services.ts";
import { NS, parseXml, type XElement } from "../../../src/saml/strict/xml.ts";
import { SignatureProfileError, verifyEnvelopedSignature } from "../../../src/saml/strict/xmldsig.ts";
import { mutateXml, samlResponseXml, signSaml, type AnyDoc, type SignOptions } from "../../helpers/sts.ts";

const { XMLSerializer } = createRequire(import.meta.url)("@xmldom/xmldom") as { XMLSerializer: new () => { serializeToString(n: unknown): string } };
const BASE = "http://127.0.0.1:3000";
const XS_ROOT = `<samlp:Response xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" `;
const TYPED_ATTRIBUTE = `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue xsi:type="xs:string">alice</saml:AttributeValue></saml:Attribute>`;

interface Keys {
  services: Services;
  publicKey: KeyObject;
  certificatePem: string;
  otherServices: Services;
}

async function keys(): Promise<Keys> {
  const make = async () => {
    const k = await generateSigningKey(BASE);
    const privateKey = createPrivateKey({ key: k.privateKeyDer, format: "der", type: "pkcs8" });
    const services = { config: { baseUrl: BASE }, keys: { activeKey: () => ({ privateKey, certificatePem: k.certificatePem }) } } as unknown as Services;
    return { services, publicKey: createPublicKey(k.certificatePem), certificatePem: k.certificatePem };
  };
  const [a, b] = await Promise.all([make(), make()]);
  return { ...a, otherServices: b.services };
}

/** The Signature element of the Assertion (default) or of the Response, and its parent. */
function locate(xml: string, target: "assertion" | "response") {
  const doc = parseXml(xml);
  const response = doc.documentElement!;
  const parent = target === "response" ? response : (response.getElementsByTagNameNS(NS.saml, "Assertion")[0] as XElement);
  let signature: XElement | undefined;
  for (let c = parent.firstChild; c; c = c.nextSibling) if ((c as XElement).localName === "Signature") signature = c as XElement;
  return { doc, parent, signature: signature! };
}

function ours(xml: string, key: KeyObject, target: "assertion" | "response") {
  const { doc, parent, signature } = locate(xml, target);
  const before = new XMLSerializer().serializeToString(doc);
  const octets = verifyEnvelopedSignature(parent, signature, [key]);
  assert.equal(new XMLSerializer().serializeToString(doc), before, "the received tree is left as it was");
  return octets;
}

function xmlCrypto(xml: string, certificatePem: string, target: "assertion" | "response") {
  const { signature } = locate(xml, target);
  const sx = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  sx.loadSignature(signature as unknown as string);
  try {
    return sx.checkSignature(xml) ? sx.getSignedReferences()[0] : undefined;
  } catch {
    return undefined;
  }
}

describe("XML-DSig core validation agrees with xml-crypto", () => {
  let k: Keys;
  before(async () => {
    k = await keys();
  });
  const sign = (o: SignOptions = {}, xml = samlResponseXml(BASE)) => signSaml(k.services, xml, o);
  const typed = () => samlResponseXml(BASE, { attributesXml: TYPED_ATTRIBUTE }).replace("<samlp:Response ", XS_ROOT);

  const cases: [name: string, make: () => string, valid: boolean, target?: "assertion" | "response"][] = [
    ["assertion signed", () => sign(), true],
    ["response signed", () => sign({ target: "response" }), true, "response"],
    ["RSA-SHA512 / SHA-512", () => sign({ signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha512" }), true],
    ["PrefixList pulling xs from the Response onto the Assertion", () => sign({ prefixList: ["xs"] }, typed()), true],
    ["PrefixList naming a prefix no ancestor declares", () => sign({ prefixList: ["nothere"] }), true],
    ["PrefixList with #default under an inherited default namespace", () => sign({ prefixList: ["#default", "xs"] }, typed().replace("<samlp:Response ", '<samlp:Response xmlns="urn:default:ns" ')), true],
    ["PrefixList, then the inherited xs namespace changed", () => sign({ prefixList: ["xs"] }, typed()).replace('xmlns:xs="http://www.w3.org/2001/XMLSchema"', 'xmlns:xs="urn:evil"'), false],
    ["no PrefixList, xs namespace changed (not rendered, so not signed)", () => sign({}, typed()).replace('xmlns:xs="http://www.w3.org/2001/XMLSchema"', 'xmlns:xs="urn:evil"'), true],
    ["a comment added inside NameID (comments are not signed)", () => sign().replace("u-0001-alice</saml:NameID>", "u-0001-<!-- x -->alice</saml:NameID>"), true],
    ["an unused namespace declaration added (exclusive C14N drops it)", () => sign().replace("<saml:Assertion ", '<saml:Assertion xmlns:unused="urn:x" '), true],
    ["NameID text changed", () => sign().replace("u-0001-alice</saml:NameID>", "admin</saml:NameID>"), false],
    ["an attribute of the assertion changed", () => sign().replace(/(<saml:Assertion [^>]*)Version="2.0"/, '$1Version="2.1"'), false],
    ["the Response changed outside the signed assertion", () => sign().replace(/(<samlp:Response [^>]*)Version="2.0"/, '$1Version="2.1"'), true],
    ["DigestValue replaced", () => mutateXml(sign(), (d: AnyDoc) => (d.getElementsByTagNameNS(NS.ds, "DigestValue")[0].textContent = Buffer.alloc(32, 1).toString("base64"))), false],
    ["SignatureValue altered", () => mutateXml(sign(), (d: AnyDoc) => {
      const v = d.getElementsByTagNameNS(NS.ds, "SignatureValue")[0];
      v.textContent = `${v.textContent.startsWith("A") ? "B" : "A"}${v.textContent.slice(1)}`;
    }), false],
    ["a Reference's URI edited after signing", () => sign().replace(/URI="#_a/, 'URI="#_b'), false],
    ["signed by another key", () => signSaml(k.otherServices, samlResponseXml(BASE)), false],
  ];

  for (const [name, make, valid, target = "assertion"] of cases) {
    test(name, () => {
      const xml = make();
      const mine = ours(xml, k.publicKey, target);
      const theirs = xmlCrypto(xml, k.certificatePem, target);
      assert.equal(mine !== undefined, valid, "our verdict");
      assert.equal(theirs !== undefined, valid, "xml-crypto's verdict");
      assert.equal(mine, theirs, "the same signed octets");
    });
  }
});

describe("profile", () => {
  let k: Keys;
  before(async () => {
    k = await keys();
  });
  const refusals: [name: string, options: SignOptions, message: RegExp][] = [
    ["SHA-1 digest", { digestAlgorithm: "http://www.w3.org/2000/09/xmldsig#sha1" }, /digest algorithm/],
    ["RSA-SHA1 signature", { signatureAlgorithm: "http://www.w3.org/2000/09/xmldsig#rsa-sha1" }, /signature algorithm/],
    ["exclusive C14N with comments", { canonicalization: "http://www.w3.org/2001/10/xml-exc-c14n#WithComments" }, /canonicalization/],
    ["only the exc-c14n transform", { transforms: ["http://www.w3.org/2001/10/xml-exc-c14n#"] }, /transforms/],
  ];
  for (const [name, o, message] of refusals) {
    test(`${name} is refused before any key is tried`, () => {
      const xml = signSaml(k.services, samlResponseXml(BASE), o);
      assert.throws(() => ours(xml, k.publicKey, "assertion"), (e: unknown) => e instanceof SignatureProfileError && message.test(e.message));
    });
  }

  test("a Reference to another element is refused after the signature verifies", () => {
    // the Response's signature moved onto the Assertion: SignedInfo verifies, its URI names the Response
    const signedResponse = signSaml(k.services, samlResponseXml(BASE), { target: "response" });
    const moved = mutateXml(signedResponse, (d: AnyDoc) => {
      const sig = d.getElementsByTagNameNS(NS.ds, "Signature")[0];
      const assertion = d.getElementsByTagNameNS(NS.saml, "Assertion")[0];
      sig.parentNode.removeChild(sig);
      assertion.insertBefore(sig, assertion.firstChild.nextSibling);
    });
    assert.throws(() => ours(moved, k.publicKey, "assertion"), (e: unknown) => e instanceof SignatureProfileError && /Reference must point/.test(e.message));
  });
});

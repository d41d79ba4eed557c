// security.md §1.1–1.6, §1.11–1.13: the SAML consumer corpus against AssumeRoleWithSAML.
// Pass criterion for every attack: rejected (InvalidIdentityToken 400 unless noted), or
// credentials for exactly alice from the signed assertion — never "admin".
import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { generateSigningKey } from "../../../src/keys/generate.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import {
  b64,
  mutateXml,
  samlCall,
  samlResponseXml,
  signSaml,
  type AnyDoc,
  type StsReply,
} from "../../helpers/sts.ts";

const SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
const SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
const DS = "http://www.w3.org/2000/09/xmldsig#";

const first = (doc: AnyDoc, ns: string, local: string) => doc.getElementsByTagNameNS(ns, local)[0];
const assertionOf = (doc: AnyDoc) => first(doc, SAML, "Assertion");
/** Make an assertion "evil": NameID admin, RoleSessionName admin. */
function makeEvil(a: AnyDoc): void {
  const nameId = a.getElementsByTagNameNS(SAML, "NameID")[0];
  nameId.textContent = "admin";
  for (const attr of Array.from(a.getElementsByTagNameNS(SAML, "Attribute")) as AnyDoc[]) {
    if (attr.getAttribute("Name").endsWith("RoleSessionName")) attr.getElementsByTagNameNS(SAML, "AttributeValue")[0].textContent = "admin";
  }
}
function removeSignature(e: AnyDoc): void {
  for (let c = e.firstChild; c; c = c.nextSibling) if (c.localName === "Signature") return void e.removeChild(c);
}

function rejected(r: StsReply, code = "InvalidIdentityToken", status = 400): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.code, code, r.text);
  assert.ok(!r.text.includes("admin"), "no credentials for admin");
}

for (const backend of testBackends()) {
  describe(`SAML signature corpus (${backend})`, () => {
    let t: TestApp;
    let base: string;
    const signed = (o: Parameters<typeof samlResponseXml>[1] = {}, s: Parameters<typeof signSaml>[2] = {}) => signSaml(t.services, samlResponseXml(base, o), s);
    const bothSigned = () => signSaml(t.services, signed(), { target: "response" });
    const call = (xml: string) => samlCall(t.request, b64(xml));

    before(async () => {
      t = await startTestApp(backend);
      base = t.config.baseUrl;
    });
    after(() => t.close());

    describe("positive controls", () => {
      for (const [name, make] of [
        ["assertion signed", () => signed()],
        ["response signed", () => signed({}, { target: "response" })],
        ["response and assertion signed", () => bothSigned()],
        ["no KeyInfo (the provider's certificate is used)", () => signed({}, { keyInfo: false })],
        ["InclusiveNamespaces PrefixList pulling a namespace from the Response", () =>
          signSaml(t.services, samlResponseXml(base).replace("<samlp:Response ", '<samlp:Response xmlns:xs="http://www.w3.org/2001/XMLSchema" '), { prefixList: ["xs"] })],
        ["RSA-SHA512 with SHA-512 digests", () => signed({}, { signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha512" })],
      ] as const) {
        test(name, async () => {
          const r = await call(make());
          assert.equal(r.status, 200, r.text);
          assert.equal(r.field("Subject"), "u-0001-alice");
        });
      }

      test("a retired-but-published key still verifies (rotation)", async () => {
        const xml = signed();
        await t.services.keys.rotate("test");
        const r = await call(xml);
        assert.equal(r.status, 200, r.text);
      });
    });

    describe("XML signature wrapping (SAML Raider XSW1–8, 10)", () => {
      test("XSW1: signed original inside the Response's Signature, evil Response outside", async () => {
        const xml = mutateXml(signed({}, { target: "response" }), (doc) => {
          const r = doc.documentElement;
          const copy = r.cloneNode(true);
          removeSignature(copy);
          r.setAttribute("ID", "_evil");
          makeEvil(assertionOf(doc));
          first(doc, DS, "Signature").appendChild(copy);
        });
        rejected(await call(xml));
      });
      test("XSW2: signed original as sibling before the Signature", async () => {
        const xml = mutateXml(signed({}, { target: "response" }), (doc) => {
          const r = doc.documentElement;
          const copy = r.cloneNode(true);
          removeSignature(copy);
          r.setAttribute("ID", "_evil");
          makeEvil(assertionOf(doc));
          r.insertBefore(copy, first(doc, DS, "Signature"));
        });
        rejected(await call(xml));
      });
      test("XSW3: unsigned evil assertion before the signed one", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const a = assertionOf(doc);
          const e = a.cloneNode(true);
          e.setAttribute("ID", "_evil");
          removeSignature(e);
          makeEvil(e);
          doc.documentElement.insertBefore(e, a);
        });
        rejected(await call(xml));
      });
      test("XSW4: signed assertion moved inside the evil one", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const a = assertionOf(doc);
          const e = a.cloneNode(true);
          e.setAttribute("ID", "_evil");
          removeSignature(e);
          makeEvil(e);
          doc.documentElement.appendChild(e);
          e.appendChild(a);
        });
        rejected(await call(xml));
      });
      test("XSW5: evil assertion keeps the Signature, unsigned original appended", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const a = assertionOf(doc);
          const copy = a.cloneNode(true);
          removeSignature(copy);
          a.setAttribute("ID", "_evil");
          makeEvil(a);
          doc.documentElement.appendChild(copy);
        });
        rejected(await call(xml));
      });
      test("XSW6: original inside the evil assertion's Signature", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const a = assertionOf(doc);
          const copy = a.cloneNode(true);
          removeSignature(copy);
          a.setAttribute("ID", "_evil");
          makeEvil(a);
          first(doc, DS, "Signature").appendChild(copy);
        });
        rejected(await call(xml));
      });
      test("XSW7: evil copy with the same ID inside Extensions", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const a = assertionOf(doc);
          const ext = doc.createElementNS(SAMLP, "samlp:Extensions");
          const e = a.cloneNode(true);
          removeSignature(e);
          makeEvil(e);
          ext.appendChild(e);
          doc.documentElement.insertBefore(ext, a);
        });
        rejected(await call(xml));
      });
      test("XSW8: evil assertion in place, original in an Object inside its Signature", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const a = assertionOf(doc);
          const copy = a.cloneNode(true);
          removeSignature(copy);
          makeEvil(a);
          const obj = doc.createElement("Object");
          obj.appendChild(copy);
          first(doc, DS, "Signature").appendChild(obj);
        });
        rejected(await call(xml));
      });
      test("XSW10: assertion signature moved to the Response with a ds:Object copy", async () => {
        const xml = mutateXml(bothSigned(), (doc) => {
          const r = doc.documentElement;
          removeSignature(r);
          const a = assertionOf(doc);
          const sig = first(doc, DS, "Signature");
          const obj = doc.createElementNS(DS, "ds:Object");
          obj.appendChild(a.cloneNode(true));
          const moved = sig.cloneNode(true);
          moved.appendChild(obj);
          r.insertBefore(moved, r.getElementsByTagNameNS(SAMLP, "Status")[0]);
          a.setAttribute("ID", "A1ffff");
          removeSignature(a);
          makeEvil(a);
        });
        rejected(await call(xml));
      });
      test("multiple assertions: an unsigned evil one after the signed one", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const e = assertionOf(doc).cloneNode(true);
          e.setAttribute("ID", "_evil2");
          removeSignature(e);
          makeEvil(e);
          doc.documentElement.appendChild(e);
        });
        rejected(await call(xml));
      });
      test("signed-error carrier: a signed Status≠Success response with an assertion parked in its Signature", async () => {
        const carrierXml = mutateXml(samlResponseXml(base), (doc) => {
          doc.documentElement.removeChild(assertionOf(doc));
          first(doc, SAMLP, "StatusCode").setAttribute("Value", "urn:oasis:names:tc:SAML:2.0:status:Requester");
        });
        const carrier = signSaml(t.services, carrierXml, { target: "response" });
        const evil = parseAssertion(mutateXml(samlResponseXml(base), (d2) => makeEvil(assertionOf(d2))));
        const xml = mutateXml(carrier, (doc) => void first(doc, DS, "Signature").appendChild(doc.importNode(evil, true)));
        rejected(await call(xml));
      });
      test("advice-nested: the signed assertion inside the Advice of an unsigned one", async () => {
        const xml = mutateXml(signed(), (doc) => {
          const a = assertionOf(doc);
          const e = a.cloneNode(true);
          e.setAttribute("ID", "_evil");
          removeSignature(e);
          makeEvil(e);
          const advice = doc.createElementNS(SAML, "saml:Advice");
          e.insertBefore(advice, e.getElementsByTagNameNS(SAML, "AttributeStatement")[0]);
          doc.documentElement.replaceChild(e, a);
          advice.appendChild(a);
        });
        rejected(await call(xml));
      });
      test("multiple root elements", async () => {
        const good = signed();
        const evil = mutateXml(samlResponseXml(base), (doc) => makeEvil(assertionOf(doc)));
        rejected(await call(evil + good));
        rejected(await call(good + evil));
      });
    });

    describe("signature exclusion and stripping", () => {
      test("no signature at all", async () => rejected(await call(samlResponseXml(base))));
      test("signature removed, then edited", async () => {
        rejected(await call(mutateXml(signed(), (doc) => {
          removeSignature(assertionOf(doc));
          makeEvil(assertionOf(doc));
        })));
      });
      test("signed, then edited (digest mismatch)", async () => {
        rejected(await call(mutateXml(signed(), (doc) => makeEvil(assertionOf(doc)))));
      });
      test("empty SignatureValue", async () => {
        rejected(await call(mutateXml(signed(), (doc) => void (first(doc, DS, "SignatureValue").textContent = ""))));
      });
      test("SignedInfo without Reference", async () => {
        rejected(await call(mutateXml(signed(), (doc) => {
          const ref = first(doc, DS, "Reference");
          ref.parentNode.removeChild(ref);
        })));
      });
      test("Reference URI to a missing ID, and URI=\"\"", async () => {
        rejected(await call(mutateXml(signed(), (doc) => first(doc, DS, "Reference").setAttribute("URI", "#_nowhere"))));
        rejected(await call(mutateXml(signed(), (doc) => first(doc, DS, "Reference").setAttribute("URI", ""))));
      });
      test("response validly signed, assertion invalidly signed", async () => {
        const xml = mutateXml(signed(), (doc) => void (first(doc, DS, "SignatureValue").textContent = "AAAA" + first(doc, DS, "SignatureValue").textContent.slice(4)));
        rejected(await call(signSaml(t.services, xml, { target: "response" })));
      });
      test("a provider without certificates verifies nothing (fail closed)", async () => {
        await t.services.db.prisma.stsIdentityProvider.create({
          data: { arn: "arn:aws:iam::111122223333:saml-provider/empty", kind: "saml", accountId: "111122223333", issuer: base, certificates: [], clientIds: [], builtIn: false },
        });
        await new Promise((r) => setTimeout(r, 5100)); // provider cache reload-on-miss interval
        rejected(await samlCall(t.request, b64(signed()), undefined, "arn:aws:iam::111122223333:saml-provider/empty"));
      });
    });

    describe("comment, CDATA and PI injection", () => {
      const signedWithName = (nameId: string) => signed({ nameId });
      test("comment in NameID: identity is the whole string", async () => {
        const xml = signedWithName("alice@example.com.evil.test").replace("alice@example.com.evil.test", "alice@example.com<!---->.evil.test");
        const r = await call(xml);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.field("Subject"), "alice@example.com.evil.test");
      });
      test("CDATA split in NameID: identity is the whole string", async () => {
        const xml = signedWithName("alice@example.com.evil.test").replace("alice@example.com.evil.test", "alice<![CDATA[]]>@example.com.evil.test");
        const r = await call(xml);
        assert.ok(r.status === 400 || r.field("Subject") === "alice@example.com.evil.test", r.text);
      });
      test("comment in the Role AttributeValue and in Issuer changes nothing", async () => {
        const xml = signed().replace(":role/Engineer,", ":role/Engi<!---->neer,");
        const r = await call(xml);
        assert.equal(r.status, 200, r.text);
        assert.match(r.field("Arn")!, /assumed-role\/Engineer\/alice$/);
        const xml2 = signed().replace(/<saml:Issuer>http:\/\/127\.0\.0\.1:4000<\/saml:Issuer><ds:Signature/, "<saml:Issuer>http://127.0.0.1<!---->:4000</saml:Issuer><ds:Signature");
        assert.equal((await call(xml2)).status, 200);
      });
      test("a processing instruction changes the digest", async () => {
        rejected(await call(signed().replace("u-0001-alice</saml:NameID>", "u-0001-alice<?x y?></saml:NameID>")));
      });
      test("a processing instruction hiding the signed tail of NameID: never the truncated name", async () => {
        // xml-crypto's C14N renders a PI's data as text, so "admin<?x -suffix?>" digests like the
        // signed "admin-suffix" while the received tree's text is only "admin". Reading the
        // re-parsed signed octets (not the received tree) is what keeps this from becoming admin.
        const xml = signedWithName("admin-suffix").replace("admin-suffix</saml:NameID>", "admin<?x -suffix?></saml:NameID>");
        const r = await call(xml);
        assert.ok(r.status === 400 || r.field("Subject") === "admin-suffix", r.text);
        assert.notEqual(r.field("Subject"), "admin");
      });
      test("a comment inside DigestValue / SignatureValue", async () => {
        rejected(await call(mutateXml(signed(), (doc) => {
          const d = first(doc, DS, "DigestValue");
          d.appendChild(doc.createComment("x"));
          d.appendChild(doc.createTextNode("AAAA"));
        })));
      });
    });

    describe("certificate faking and key confusion", () => {
      test("re-signed by an attacker with a cloned certificate in KeyInfo", async () => {
        const attacker = await generateSigningKey(base);
        const key = createPrivateKey({ key: attacker.privateKeyDer, format: "der", type: "pkcs8" });
        const xml = mutateXml(samlResponseXml(base), (doc) => makeEvil(assertionOf(doc)));
        rejected(await call(signSaml(t.services, xml, { privateKey: key, certificatePem: attacker.certificatePem })));
      });
      test("HMAC-SHA1 keyed with the IdP certificate", async () => {
        const xml = signed().replace("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2000/09/xmldsig#hmac-sha1");
        rejected(await call(xml));
      });
      test("KeyInfo with a RetrievalMethod URL is never fetched", async () => {
        let hits = 0;
        const server = http.createServer((_q, s) => void (hits++, s.end("x")));
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/key`;
        const attacker = await generateSigningKey(base);
        const key = createPrivateKey({ key: attacker.privateKeyDer, format: "der", type: "pkcs8" });
        const xml = mutateXml(samlResponseXml(base), (doc) => makeEvil(assertionOf(doc)));
        const s = signSaml(t.services, xml, { privateKey: key, certificatePem: attacker.certificatePem }).replace(/<KeyInfo>[\s\S]*?<\/KeyInfo>/, `<KeyInfo><RetrievalMethod URI="${url}"/></KeyInfo>`);
        try {
          rejected(await call(s));
          assert.equal(hits, 0);
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });
    });

    describe("algorithms and transforms", () => {
      test("RSA-SHA1 signed with the trusted key", async () => {
        rejected(await call(signed({}, { signatureAlgorithm: "http://www.w3.org/2000/09/xmldsig#rsa-sha1" })));
      });
      test("SHA-1 digest", async () => {
        rejected(await call(signed({}, { digestAlgorithm: "http://www.w3.org/2000/09/xmldsig#sha1" })));
      });
      test("exclusive C14N #WithComments", async () => {
        rejected(await call(signed({}, { canonicalization: "http://www.w3.org/2001/10/xml-exc-c14n#WithComments" })));
        rejected(await call(signed({}, { transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"] })));
      });
      test("inclusive C14N / a single transform / three transforms", async () => {
        rejected(await call(signed({}, { canonicalization: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315" })));
        rejected(await call(signed({}, { transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature"] })));
        rejected(await call(signed({}, { transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/10/xml-exc-c14n#"] })));
      });
      test("an XSLT transform is neither run nor fetched", async () => {
        const xml = signed().replace(
          '<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
          '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/"><xsl:copy-of select="document(\'http://127.0.0.1:9/\')"/></xsl:template></xsl:stylesheet></Transform>',
        );
        rejected(await call(xml));
      });
      test("an unknown signature method URI", async () => {
        rejected(await call(signed().replace("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "urn:example:unknown")));
      });
    });

    describe("DTDs and entities (refused before parsing)", () => {
      for (const [name, prolog, ref] of [
        ["external entity", '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>', "&x;"],
        ["billion laughs", `<!DOCTYPE r [<!ENTITY a0 "ha">${Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`).join("")}]>`, "&a9;"],
        ["quadratic blow-up", `<!DOCTYPE r [<!ENTITY big "${"x".repeat(8192)}">]>`, "&big;".repeat(3000)],
      ] as const) {
        test(name, async () => {
          const xml = prolog + signed().replace("u-0001-alice</saml:NameID>", `u-0001-alice${ref}</saml:NameID>`);
          const r = await call(xml);
          assert.equal(r.status, 400);
          assert.equal(r.code, "InvalidIdentityToken");
          assert.match(r.message!, /DTD/);
        });
      }
      test("a remote DTD is not fetched", async () => {
        let hits = 0;
        const server = http.createServer((_q, s) => void (hits++, s.end("")));
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const xml = `<!DOCTYPE r SYSTEM "http://127.0.0.1:${(server.address() as AddressInfo).port}/x.dtd">` + signed();
        try {
          rejected(await call(xml));
          assert.equal(hits, 0);
        } finally {
          server.closeAllConnections();
          server.close();
        }
      });
      test("malformed XML and deep nesting fail cleanly", async () => {
        rejected(await call("<samlp:Response"));
        rejected(await call("<a>".repeat(10000) + "</a>".repeat(10000)));
        rejected(await call(`<a ${Array.from({ length: 2000 }, (_, i) => `xmlns:p${i}="urn:x${i}"`).join(" ")}/>`));
        rejected(await samlCall(t.request, "!!!not-base64!!!"));
      });
    });
  });
}

/** The Assertion element of a serialized Response (a node of another document; importNode it). */
function parseAssertion(xml: string): AnyDoc {
  let found: AnyDoc;
  mutateXml(xml, (d) => void (found = assertionOf(d)));
  return found;
}

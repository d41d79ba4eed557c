// The signed AuthnRequest we send to an upstream SAML IdP (HTTP-Redirect, SAML Bindings §3.4.4.1)
// and the SP metadata that lets the IdP verify it. The checks rebuild the signed octets the way a
// verifier must ("SAMLRequest=…&RelayState=…&SigAlg=…" from the raw, still-encoded query) and verify
// them with node:crypto against the certificates read back from the metadata; samlify (its RSA is
// node-rsa, not node:crypto) is the independent IdP-side verifier, with its SAML XSD check on.
import assert from "node:assert/strict";
import { createVerify } from "node:crypto";
import { before, describe, test } from "node:test";
import { inflateRawSync } from "node:zlib";
import * as samlify from "samlify";
import * as xmllint from "@authenio/samlify-node-xmllint";
import { authnRequestUrl, spMetadata } from "../../../src/auth/upstream/saml-sp.ts";
import { buildIdpMetadata } from "../../../src/saml/metadata.ts";
import { parseSpMetadata } from "../../../src/saml/sp-metadata.ts";
import { certBody, toPem } from "../../../src/saml/signing.ts";
import { testKey, type TestKey } from "../../helpers/saml.ts";

const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SP = { entityId: "https://gw.example/login/upstream/corp/metadata", acsUrl: "https://gw.example/login/upstream/corp/acs" };
const IDP_SSO = "https://idp.example/sso";

/** The raw (still percent-encoded) query parameters of `url`, in order. */
function rawParams(url: string): Map<string, string> {
  const qs = url.slice(url.indexOf("?") + 1);
  return new Map(qs.split("&").map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)] as [string, string]));
}

/** The octets a verifier rebuilds (Bindings §3.4.4.1) and the signature, from the raw query. */
function signedParts(q: Map<string, string>): { octets: string; signature: Buffer } {
  return { octets: `SAMLRequest=${q.get("SAMLRequest")}&RelayState=${q.get("RelayState")}&SigAlg=${q.get("SigAlg")}`, signature: Buffer.from(decodeURIComponent(q.get("Signature")!), "base64") };
}

function verifies(q: Map<string, string>, certificate: string): boolean {
  const { octets, signature } = signedParts(q);
  return createVerify("RSA-SHA256").update(octets).verify(toPem(certificate), signature);
}

describe("upstream SAML: the signed AuthnRequest and our SP metadata", () => {
  let active: TestKey;
  let next: TestKey;
  let keys: { kid: string; certificateBase64: string }[];
  const requestUrl = (o: { id?: string; relayState?: string; ssoUrl?: string; key?: TestKey } = {}) =>
    authnRequestUrl({ ssoUrl: o.ssoUrl ?? IDP_SSO }, SP, { id: o.id ?? "_req1", now: new Date(), relayState: o.relayState ?? "state-1", forceAuthn: false, privateKey: (o.key ?? active).privateKey });

  before(async () => {
    active = await testKey("gw.example");
    next = await testKey("gw.example");
    // KeyService.publishedKeys() order: active first, then next
    keys = [{ kid: "active", certificateBase64: certBody(active.certificatePem) }, { kid: "next", certificateBase64: certBody(next.certificatePem) }];
    samlify.setSchemaValidator(xmllint);
  });

  test("the URL carries SAMLRequest, RelayState, SigAlg (RSA-SHA256), Signature in that order; no XML signature inside", () => {
    const url = requestUrl();
    assert.ok(url.startsWith(`${IDP_SSO}?SAMLRequest=`));
    const q = rawParams(url);
    assert.deepEqual([...q.keys()], ["SAMLRequest", "RelayState", "SigAlg", "Signature"]);
    assert.equal(decodeURIComponent(q.get("SigAlg")!), RSA_SHA256);
    const xml = inflateRawSync(Buffer.from(decodeURIComponent(q.get("SAMLRequest")!), "base64")).toString("utf8");
    assert.match(xml, /^<samlp:AuthnRequest /);
    assert.match(xml, new RegExp(`<saml:Issuer>${SP.entityId}</saml:Issuer>`));
    assert.doesNotMatch(xml, /Signature/, "the Redirect binding forbids an enveloped signature");
  });

  test("the signature verifies over the exact octets with the certificate the SP metadata publishes, and only with it", () => {
    const published = parseSpMetadata(spMetadata(SP, keys)).certificates;
    const q = rawParams(requestUrl());
    assert.equal(verifies(q, published[0]!), true, "the active key's certificate");
    assert.equal(verifies(q, published[1]!), false, "not the next key's: it has not signed anything yet");
    const byNext = rawParams(requestUrl({ key: next }));
    assert.equal(verifies(byNext, published[1]!), true, "after a rotation, the next key's signature verifies with the certificate already published");
  });

  test("a RelayState with reserved characters is signed as sent, and reads back unchanged", () => {
    const relayState = "a b&c=d+e/f?g%h";
    const url = requestUrl({ relayState });
    assert.equal(new URL(url).searchParams.get("RelayState"), relayState);
    assert.equal(verifies(rawParams(url), keys[0]!.certificateBase64), true);
  });

  test("an SSO URL with a query of its own keeps it; the signature covers the SAML parameters only", () => {
    const url = requestUrl({ ssoUrl: `${IDP_SSO}?tenant=corp` });
    assert.ok(url.startsWith(`${IDP_SSO}?tenant=corp&SAMLRequest=`));
    assert.equal(verifies(rawParams(url), keys[0]!.certificateBase64), true);
  });

  const tampering: [string, (q: Map<string, string>) => void][] = [
    ["SAMLRequest (another request's)", (q) => q.set("SAMLRequest", rawParams(requestUrl({ id: "_req2" })).get("SAMLRequest")!)],
    ["RelayState", (q) => q.set("RelayState", "state-2")],
    ["SigAlg (RSA-SHA512)", (q) => q.set("SigAlg", encodeURIComponent("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"))],
    ["the percent-encoding of SigAlg (same value, other octets)", (q) => q.set("SigAlg", q.get("SigAlg")!.replace("%3A", "%3a"))],
  ];
  for (const [what, tamper] of tampering) {
    test(`tampering with ${what} breaks the signature`, () => {
      const q = rawParams(requestUrl());
      assert.equal(verifies(q, keys[0]!.certificateBase64), true);
      tamper(q);
      assert.equal(verifies(q, keys[0]!.certificateBase64), false);
    });
  }

  test("the SP metadata: AuthnRequestsSigned, one use=signing KeyDescriptor per published key (active first), the ACS", () => {
    const xml = spMetadata(SP, keys);
    assert.match(xml, /<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true"/);
    assert.equal(xml.match(/<md:KeyDescriptor use="signing">/g)?.length, 2);
    const parsed = parseSpMetadata(xml);
    assert.deepEqual(parsed.certificates, keys.map((k) => k.certificateBase64));
    assert.equal(parsed.wantAuthnRequestsSigned, true);
    assert.deepEqual(parsed.acsUrls, [SP.acsUrl]);
    // samlify reads the same
    const sp = samlify.ServiceProvider({ metadata: xml });
    assert.equal(sp.entityMeta.isAuthnRequestSigned(), true);
    assert.deepEqual(sp.entityMeta.getX509Certificate("signing"), keys.map((k) => k.certificateBase64));
  });

  describe("samlify as the upstream IdP (requires signed AuthnRequests)", () => {
    // samlify 2.13 verifies a Redirect signature with a single signing certificate only (with two it
    // fails on the array): give it metadata with the active key alone
    const parse = (url: string, q = rawParams(url)) => {
      const idp = samlify.IdentityProvider({ metadata: buildIdpMetadata("https://idp.example", []).replace('WantAuthnRequestsSigned="false"', 'WantAuthnRequestsSigned="true"') });
      const sp = samlify.ServiceProvider({ metadata: spMetadata(SP, keys.slice(0, 1)) });
      const query = Object.fromEntries([...q].map(([k, v]) => [k, decodeURIComponent(v)]));
      return idp.parseLoginRequest(sp, "redirect", { query, octetString: signedParts(q).octets });
    };

    test("accepts our signed request (signature and schema)", async () => {
      const result = await parse(requestUrl());
      assert.equal(result.extract.request?.id, "_req1");
      assert.equal(result.extract.issuer, SP.entityId);
      assert.equal(result.sigAlg, RSA_SHA256);
    });

    test("refuses it with RelayState tampered, or signed by a key the metadata does not have", async () => {
      const q = rawParams(requestUrl());
      q.set("RelayState", "state-2");
      await assert.rejects(parse("", q), /ERR_FAILED_MESSAGE_SIGNATURE_VERIFICATION/);
      await assert.rejects(parse(requestUrl({ key: next })), /ERR_FAILED_MESSAGE_SIGNATURE_VERIFICATION/);
    });
  });
});

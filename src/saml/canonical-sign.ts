// Fast enveloped signatures for XML we generate ourselves. The response templates are written
// directly in Exclusive XML Canonicalization form (exc-c14n: sorted attributes, namespace
// declarations only where first used, explicit end tags, c14n escaping; see cText/cAttr), so the
// reference digest is SHA-256 of the very string we built, and no parse/XPath/C14N pass is needed:
// the sign step costs one RSA operation. Verifiers canonicalize and get the same bytes; xml-crypto,
// node-saml and xmlsec1 check this in the tests. Documents we do not build (encrypted assertions,
// metadata) still go through xml-crypto (signing.ts).
import { createHash, sign } from "node:crypto";
import { ALG, certBody, type Signer } from "./signing.ts";

const DS = "http://www.w3.org/2000/09/xmldsig#";

/** exc-c14n text node escaping (C14N 1.0 §2.3): & < > and CR. */
export function cText(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#xD;");
}

/** exc-c14n attribute value escaping: & < " TAB LF CR. */
export function cAttr(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;").replace(/\t/g, "&#x9;").replace(/\n/g, "&#xA;").replace(/\r/g, "&#xD;");
}

/**
 * `canonicalXml` is an element in exc-c14n form whose ID is `id` and whose first child is an
 * <saml:Issuer>; returns it with an enveloped ds:Signature inserted after that Issuer.
 */
export function signCanonical(canonicalXml: string, id: string, signer: Signer): string {
  const digest = createHash("sha256").update(canonicalXml, "utf8").digest("base64");
  const signedInfoBody =
    `<ds:CanonicalizationMethod Algorithm="${ALG.excC14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${ALG.rsaSha256}"></ds:SignatureMethod>` +
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${ALG.enveloped}"></ds:Transform><ds:Transform Algorithm="${ALG.excC14n}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${ALG.sha256}"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`;
  // SignedInfo canonicalized on its own carries the ds declaration its parent has in the document
  const signatureValue = sign("sha256", Buffer.from(`<ds:SignedInfo xmlns:ds="${DS}">${signedInfoBody}</ds:SignedInfo>`, "utf8"), signer.privateKey).toString("base64");
  const signature =
    `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo>${signedInfoBody}</ds:SignedInfo><ds:SignatureValue>${signatureValue}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(signer.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`;
  const at = canonicalXml.indexOf("</saml:Issuer>");
  if (at < 0) throw new Error("signCanonical: no saml:Issuer to place the signature after");
  const cut = at + "</saml:Issuer>".length;
  return canonicalXml.slice(0, cut) + signature + canonicalXml.slice(cut);
}

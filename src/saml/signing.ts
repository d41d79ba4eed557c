// XML signatures with xml-crypto: enveloped, exclusive C14N, RSA-SHA256 over SHA-256 digests.
// Verification trusts only the certificates we pass in (never KeyInfo), refuses weak or unusual
// algorithms by an allow-list read from the Signature element itself, and returns the canonical
// XML of what the signature covered: callers read from that, never from the unsigned document
// (the XML-signature-wrapping lesson of samlify CVE-2025-47949 and node-saml CVE-2025-54419).
import { SignedXml } from "xml-crypto";
import type { KeyObject } from "node:crypto";
import { SamlError } from "./errors.ts";
import { NS, children } from "./xml.ts";

export const ALG = {
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  rsaSha512: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  sha512: "http://www.w3.org/2001/04/xmlenc#sha512",
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  enveloped: "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
} as const;

const SIGNATURE_ALGS = new Set<string>([ALG.rsaSha256, ALG.rsaSha512]);
const DIGEST_ALGS = new Set<string>([ALG.sha256, ALG.sha512]);

export interface Signer {
  privateKey: KeyObject;
  certificatePem: string;
}

/**
 * Signs the element with this ID inside `xml`; the Signature goes right after that element's
 * Issuer, where the SAML schema wants it. Returns the whole document, signed.
 */
export function signElement(xml: string, id: string, signer: Signer, placement: "afterIssuer" | "firstChild" = "afterIssuer"): string {
  const sig = new SignedXml({
    privateKey: signer.privateKey,
    publicCert: signer.certificatePem,
    signatureAlgorithm: ALG.rsaSha256,
    canonicalizationAlgorithm: ALG.excC14n,
  });
  sig.addReference({ xpath: `//*[@ID='${id}']`, transforms: [ALG.enveloped, ALG.excC14n], digestAlgorithm: ALG.sha256 });
  const location =
    placement === "afterIssuer"
      ? { reference: `//*[@ID='${id}']/*[local-name(.)='Issuer']`, action: "after" as const }
      : { reference: `//*[@ID='${id}']`, action: "prepend" as const };
  sig.computeSignature(xml, { prefix: "ds", location });
  return sig.getSignedXml();
}

/**
 * Verifies the one ds:Signature that is a direct child of `element` and that it covers exactly
 * that element (Reference URI="#<its ID>"). Returns the canonical XML of the signed element.
 * Throws SamlError(reason "bad_signature") on anything else.
 */
export function verifyElementSignature(xml: string, element: Element, certificates: readonly string[], what: string): string {
  const bad = (message: string) => new SamlError("Requester", `${what}: ${message}`, { sub: "RequestDenied", reason: "bad_signature" });
  const sigs = children(element, NS.ds, "Signature");
  if (sigs.length !== 1) throw bad(sigs.length === 0 ? "the signature is missing." : "there is more than one signature.");
  const signature = sigs[0]!;
  const id = element.getAttribute("ID");
  if (!id) throw bad("the signed element has no ID.");
  checkAlgorithms(signature, id, bad);
  if (certificates.length === 0) throw bad("no certificate is registered to verify it.");

  for (const cert of certificates) {
    const sx = new SignedXml({ publicCert: toPem(cert), getCertFromKeyInfo: () => null });
    sx.loadSignature(signature);
    let valid = false;
    try {
      valid = sx.checkSignature(xml);
    } catch {
      valid = false;
    }
    if (!valid) continue;
    const refs = sx.getSignedReferences();
    if (refs.length !== 1) throw bad("the signature must cover exactly one element.");
    return refs[0]!;
  }
  throw bad("the signature does not verify with the registered certificate(s).");
}

/** Allow-list what the Signature element declares before any crypto runs (downgrade, XSLT, comments). */
function checkAlgorithms(signature: Element, id: string, bad: (m: string) => Error): void {
  const signedInfo = children(signature, NS.ds, "SignedInfo");
  if (signedInfo.length !== 1) throw bad("SignedInfo is missing or repeated.");
  const si = signedInfo[0]!;
  const one = (parent: Element, local: string) => {
    const found = children(parent, NS.ds, local);
    if (found.length !== 1) throw bad(`${local} is missing or repeated.`);
    return found[0]!;
  };
  if (one(si, "CanonicalizationMethod").getAttribute("Algorithm") !== ALG.excC14n) throw bad("only exclusive C14N is accepted.");
  if (!SIGNATURE_ALGS.has(one(si, "SignatureMethod").getAttribute("Algorithm") ?? "")) throw bad("only RSA-SHA256 or RSA-SHA512 signatures are accepted.");
  const refs = children(si, NS.ds, "Reference");
  if (refs.length !== 1) throw bad("the signature must have exactly one Reference.");
  const ref = refs[0]!;
  if (ref.getAttribute("URI") !== `#${id}`) throw bad("the signature does not reference the signed element.");
  if (!DIGEST_ALGS.has(one(ref, "DigestMethod").getAttribute("Algorithm") ?? "")) throw bad("only SHA-256 or SHA-512 digests are accepted.");
  const transforms = children(one(ref, "Transforms"), NS.ds, "Transform").map((t) => t.getAttribute("Algorithm"));
  const allowed = transforms.length === 2 && transforms[0] === ALG.enveloped && transforms[1] === ALG.excC14n;
  const envelopedOnly = transforms.length === 1 && transforms[0] === ALG.enveloped;
  if (!allowed && !envelopedOnly) throw bad("only the enveloped-signature and exclusive C14N transforms are accepted.");
}

/** PEM or bare base64 DER → PEM. */
export function toPem(cert: string): string {
  if (cert.includes("-----BEGIN CERTIFICATE-----")) return cert;
  const body = cert.replace(/\s+/g, "");
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** PEM → the base64 DER body that <ds:X509Certificate> carries. */
export function certBody(cert: string): string {
  return cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
}

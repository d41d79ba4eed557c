// XML signature verification for SAML responses (AssumeRoleWithSAML, upstream SAML sign-in), built to defeat signature wrapping
// (security.md §1.1–1.5, §1.11–1.13):
// - the document has exactly one <Assertion> anywhere (no EncryptedAssertion, nothing hidden in
//   Extensions/Advice/Object/Signature) and it is a direct child of the root <samlp:Response>;
// - a <ds:Signature> may only be the child of the Response or of that Assertion and must
//   reference its parent's ID; every signature present must verify;
// - only RSA-SHA256/512, SHA-256/512 digests, exclusive C14N without comments, and exactly the
//   transforms [enveloped-signature, exc-c14n];
// - keys come only from the provider's certificates (KeyInfo is never trusted);
// - the assertion the caller reads is re-parsed from the canonical octets the digest covered
//   (xmldsig.ts), never read from the original tree.
import { createPublicKey, type KeyObject } from "node:crypto";
import { rejectInvalid } from "./rejected.ts";
import { NS, children, descendants, is, parseXml, type XDocument, type XElement } from "./xml.ts";
import { SignatureProfileError, verifyEnvelopedSignature } from "./xmldsig.ts";

const ID = /^[A-Za-z_][\w.-]{0,255}$/;

const invalid = (msg = "Response signature invalid") => rejectInvalid(/^Response signature invalid/.test(msg) ? "signature" : "malformed", msg);

export interface VerifiedSaml {
  /** the Assertion as covered by a signature (re-parsed from the signed bytes) */
  assertion: XElement;
  /** the Response as covered by its signature, when the Response itself was signed */
  signedResponse?: XElement;
  /** the Response as received (Destination/Status are only trusted when signedResponse is set) */
  response: XElement;
}

/** `xml` is the decoded response, or its document when the caller has already parsed it (parseXml). */
export function verifySamlSignature(xml: string | XDocument, certificatesPem: readonly string[]): VerifiedSaml {
  // Fail closed: a provider without certificates verifies nothing (security.md §1.2).
  if (certificatesPem.length === 0) throw invalid("Response signature invalid: the provider has no signing certificate.");
  const doc = typeof xml === "string" ? parseXml(xml) : xml;
  const response = doc.documentElement!;
  if (!is(response, NS.samlp, "Response")) throw invalid("Invalid SAML response: the root element must be samlp:Response.");
  if (descendants(doc, NS.saml, "EncryptedAssertion").length > 0) throw invalid("Invalid SAML response: encrypted assertions are not supported.");
  const assertions = descendants(doc, NS.saml, "Assertion");
  if (assertions.length !== 1) throw invalid("Invalid SAML response: exactly one Assertion is required.");
  const assertion = assertions[0]!;
  if (assertion.parentNode !== response) throw invalid("Invalid SAML response: the Assertion must be a child of the Response.");

  const signatures = descendants(doc, NS.ds, "Signature");
  const onResponse = children(response, NS.ds, "Signature");
  const onAssertion = children(assertion, NS.ds, "Signature");
  if (onResponse.length > 1 || onAssertion.length > 1 || signatures.length !== onResponse.length + onAssertion.length) {
    throw invalid("Response signature invalid: unexpected Signature element.");
  }
  if (signatures.length === 0) throw rejectInvalid("unsigned", "Response signature invalid: the response is not signed.");

  let signedAssertion: XElement | undefined;
  let signedResponse: XElement | undefined;
  if (onResponse[0]) {
    const signed = verifyOne(onResponse[0], response, certificatesPem);
    if (!is(signed, NS.samlp, "Response")) throw invalid();
    const inner = children(signed, NS.saml, "Assertion");
    if (inner.length !== 1) throw invalid();
    signedResponse = signed;
    signedAssertion = inner[0];
  }
  if (onAssertion[0]) {
    const signed = verifyOne(onAssertion[0], assertion, certificatesPem);
    if (!is(signed, NS.saml, "Assertion")) throw invalid();
    signedAssertion = signed;
  }
  return { assertion: signedAssertion!, signedResponse, response };
}

/** Verifies one enveloped signature over `parent`; returns the signed element, re-parsed. */
function verifyOne(signature: XElement, parent: XElement, certificatesPem: readonly string[]): XElement {
  const id = parent.getAttribute("ID") ?? "";
  if (!ID.test(id)) throw invalid("Invalid SAML response: missing or malformed ID.");
  if (children(signature, NS.ds, "Object").length > 0) throw invalid("Response signature invalid: ds:Object is not allowed.");
  let octets: string | undefined;
  try {
    const keys = candidates(signature, certificatesPem).map(publicKey).filter((k) => k.asymmetricKeyType === "rsa");
    octets = verifyEnvelopedSignature(parent, signature, keys);
  } catch (err) {
    if (err instanceof SignatureProfileError) throw invalid(`Response signature invalid: ${err.message}`);
    throw err;
  }
  if (octets === undefined) throw invalid();
  const signed = parseXml(octets).documentElement!;
  if (signed.getAttribute("ID") !== id || signed.localName !== parent.localName || signed.namespaceURI !== parent.namespaceURI) throw invalid();
  return signed;
}

const keyCache = new Map<string, KeyObject>();
/** Certificates parse once: X.509 decoding per verification would cost more than the RSA check. */
function publicKey(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    if (keyCache.size > 1000) keyCache.clear();
    key = createPublicKey(pem);
    keyCache.set(pem, key);
  }
  return key;
}

/**
 * The trusted certificates, the one the KeyInfo names first. KeyInfo is only a hint for the order
 * (it saves a failing RSA check during key rollover); it never adds a key.
 */
function candidates(signature: XElement, certificatesPem: readonly string[]): readonly string[] {
  const hinted = descendants(signature, NS.ds, "X509Certificate")[0]?.textContent?.replace(/\s+/g, "");
  if (!hinted || certificatesPem.length < 2) return certificatesPem;
  const body = (pem: string) => pem.replace(/-----[^-]+-----|\s+/g, "");
  const i = certificatesPem.findIndex((c) => body(c) === hinted);
  return i <= 0 ? certificatesPem : [certificatesPem[i]!, ...certificatesPem.filter((_, k) => k !== i)];
}

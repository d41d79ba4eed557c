// XML signature verification for AssumeRoleWithSAML, built to defeat signature wrapping
// (security.md §1.1–1.5, §1.11–1.13):
// - the document has exactly one <Assertion> anywhere (no EncryptedAssertion, nothing hidden in
//   Extensions/Advice/Object/Signature) and it is a direct child of the root <samlp:Response>;
// - a <ds:Signature> may only be the child of the Response or of that Assertion and must
//   reference its parent's ID; every signature present must verify;
// - only RSA-SHA256/512, SHA-256/512 digests, exclusive C14N without comments, and exactly the
//   transforms [enveloped-signature, exc-c14n];
// - keys come only from the provider's certificates (KeyInfo is never trusted);
// - the assertion the caller reads is re-parsed from xml-crypto's getSignedReferences() output,
//   i.e. from the bytes the signature covered, never from the original tree.
import { createPublicKey, type KeyObject } from "node:crypto";
import { SignedXml } from "xml-crypto";
import { StsErrors } from "../../protocol/index.ts";
import { NS, child, children, descendants, is, parseXml, type XElement } from "./xml.ts";

const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const SIGNATURE_ALGORITHMS = new Set(["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"]);
const DIGEST_ALGORITHMS = new Set(["http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmlenc#sha512"]);
const ID = /^[A-Za-z_][\w.-]{0,255}$/;

const invalid = (msg = "Response signature invalid") => StsErrors.invalidIdentityToken(msg);

export interface VerifiedSaml {
  /** the Assertion as covered by a signature (re-parsed from the signed bytes) */
  assertion: XElement;
  /** the Response as covered by its signature, when the Response itself was signed */
  signedResponse?: XElement;
  /** the Response as received (Destination/Status are only trusted when signedResponse is set) */
  response: XElement;
}

export function verifySamlSignature(xml: string, certificatesPem: readonly string[]): VerifiedSaml {
  // Fail closed: a provider without certificates verifies nothing (security.md §1.2).
  if (certificatesPem.length === 0) throw invalid("Response signature invalid: the provider has no signing certificate.");
  const doc = parseXml(xml);
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
  if (signatures.length === 0) throw invalid("Response signature invalid: the response is not signed.");

  let signedAssertion: XElement | undefined;
  let signedResponse: XElement | undefined;
  if (onResponse[0]) {
    const signed = verifyOne(xml, onResponse[0], response, certificatesPem);
    if (!is(signed, NS.samlp, "Response")) throw invalid();
    const inner = children(signed, NS.saml, "Assertion");
    if (inner.length !== 1) throw invalid();
    signedResponse = signed;
    signedAssertion = inner[0];
  }
  if (onAssertion[0]) {
    const signed = verifyOne(xml, onAssertion[0], assertion, certificatesPem);
    if (!is(signed, NS.saml, "Assertion")) throw invalid();
    signedAssertion = signed;
  }
  return { assertion: signedAssertion!, signedResponse, response };
}

/** Verifies one enveloped signature over `parent`; returns the signed element, re-parsed. */
function verifyOne(xml: string, signature: XElement, parent: XElement, certificatesPem: readonly string[]): XElement {
  const id = parent.getAttribute("ID") ?? "";
  if (!ID.test(id)) throw invalid("Invalid SAML response: missing or malformed ID.");
  checkProfile(signature, id);
  for (const cert of candidates(signature, certificatesPem)) {
    const sx = new SignedXml({ publicCert: publicKey(cert) as unknown as string, getCertFromKeyInfo: () => null });
    sx.loadSignature(signature as unknown as string); // an xmldom node (typed loosely here, see xml.ts)
    let ok = false;
    try {
      ok = sx.checkSignature(xml);
    } catch {
      ok = false;
    }
    if (!ok) continue;
    const refs = sx.getSignedReferences();
    if (refs.length !== 1) throw invalid();
    const signedDoc = parseXml(refs[0]!);
    const signed = signedDoc.documentElement!;
    if (signed.getAttribute("ID") !== id || signed.localName !== parent.localName) throw invalid();
    return signed;
  }
  throw invalid();
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

/** The only signature shape a SAML IdP needs to produce (SAML bindings §5.4). */
function checkProfile(signature: XElement, id: string): void {
  const signedInfo = children(signature, NS.ds, "SignedInfo");
  if (signedInfo.length !== 1) throw invalid("Response signature invalid: exactly one SignedInfo is required.");
  if (children(signature, NS.ds, "Object").length > 0) throw invalid("Response signature invalid: ds:Object is not allowed.");
  const si = signedInfo[0]!;
  const alg = (local: string, parent: XElement = si) => child(parent, NS.ds, local)?.getAttribute("Algorithm") ?? "";
  if (alg("CanonicalizationMethod") !== EXC_C14N) throw invalid("Response signature invalid: canonicalization must be exclusive C14N without comments.");
  if (!SIGNATURE_ALGORITHMS.has(alg("SignatureMethod"))) throw invalid("Response signature invalid: signature algorithm not allowed.");
  const refs = children(si, NS.ds, "Reference");
  if (refs.length !== 1) throw invalid("Response signature invalid: exactly one Reference is required.");
  const ref = refs[0]!;
  if (ref.getAttribute("URI") !== `#${id}`) throw invalid("Response signature invalid: the Reference must point at the signed element.");
  if (!DIGEST_ALGORITHMS.has(alg("DigestMethod", ref))) throw invalid("Response signature invalid: digest algorithm not allowed.");
  const transforms = child(ref, NS.ds, "Transforms");
  const list = transforms ? children(transforms, NS.ds, "Transform").map((t) => t.getAttribute("Algorithm")) : [];
  if (list.length !== 2 || list[0] !== ENVELOPED || list[1] !== EXC_C14N) {
    throw invalid("Response signature invalid: transforms must be enveloped-signature then exclusive C14N.");
  }
}

// The hardened SAML response verifier shared by the STS (AssumeRoleWithSAML) and the upstream SAML
// sign-in (auth/upstream): strict intake (xml.ts), signature-wrapping-proof signature checks
// (signature.ts, xmldsig.ts) and the assertion's conditions (assertion.ts). Refusals are
// SamlRejected; each caller maps them to its own wire form.
export { SamlRejected, type RejectionKind } from "./rejected.ts";
export { decodeSamlResponse, parseXml, NS, child, children, descendants, is, text, type XElement, type XDocument, type XNode } from "./xml.ts";
export { verifySamlSignature, type VerifiedSaml } from "./signature.ts";
export { readAssertion, errorStatus, time, CLOCK_SKEW_MS, type AcceptedEndpoints, type SamlFacts } from "./assertion.ts";
export { parseIdpMetadata, toPem, REDIRECT_BINDING, MAX_SIGNING_CERTIFICATES } from "./metadata.ts";
export { verifyEnvelopedSignature, readSignedInfo, SignatureProfileError, EXC_C14N, ENVELOPED, SIGNATURE_HASHES, DIGEST_HASHES } from "./xmldsig.ts";

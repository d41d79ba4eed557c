export { verifySamlSignature, type VerifiedSaml } from "./signature.ts";
export { readAssertion, CLOCK_SKEW_MS, type AcceptedEndpoints, type SamlFacts } from "./assertion.ts";
export { decodeSamlResponse } from "./xml.ts";
export { parseIdpMetadata, toPem } from "./metadata.ts";

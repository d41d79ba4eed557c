// Identity providers the STS trusts, and verification of what they sign.
export { ProviderRegistry, PROVIDERS_CHANNEL, notifyProvidersChanged, type ProviderRecord } from "./registry.ts";
export { verifyWebIdentityToken, type VerifiedToken } from "./oidc/verify.ts";
export { verifySamlSignature, readAssertion, decodeSamlResponse, parseIdpMetadata, CLOCK_SKEW_MS, type AcceptedEndpoints, type SamlFacts } from "./saml/index.ts";

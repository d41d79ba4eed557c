// Credentials: verifying SigV4-signed STS requests against the keys this STS manages.
export {
  createSigV4Verifier,
  type CredentialLookup,
  type SigningCredential,
  type SigV4VerifierOptions,
  type VerifiedRequest,
} from "./sigv4.ts";
export { CredentialStore, ReplayedAssertion, accessKeyAad } from "./store.ts";
export { newAccessKeyId, newSecretAccessKey, newTemporaryCredential, roleId, iamUserId } from "./ids.ts";
export type { Principal, PrincipalKind, NewSession, IssuedCredentials, StsCredential } from "./types.ts";

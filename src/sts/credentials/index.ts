// Credentials: verifying SigV4-signed STS requests against the keys this STS manages.
export {
  createSigV4Verifier,
  type CredentialLookup,
  type SigningCredential,
  type SigV4VerifierOptions,
  type VerifiedRequest,
} from "./sigv4.ts";

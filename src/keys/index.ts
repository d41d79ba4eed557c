// Signing keys: generation, encryption at rest, rotation, publication (JWKS, X.509 certificates).
export { CryptoBox, SealedValueError } from "./crypto-box.ts";
export { loadMasterKey, MASTER_KEY_FILE } from "./master-key.ts";
export { KeyService, type KeyServiceOptions, type RotationResult } from "./key-service.ts";
export { KeyDecryptError, type KeyListing, type KeyState, type PublicKeyInfo, type SigningKeyMaterial } from "./material.ts";
export { CERTIFICATE_VALIDITY_YEARS, type PublicJwk } from "./generate.ts";
export { NOTIFY_CHANNEL as KEYS_NOTIFY_CHANNEL } from "./store.ts";

// OIDC client secrets are stored sealed (AES-256-GCM under the master key, keys/CryptoBox). The AAD
// binds a ciphertext to its client ID, so a sealed secret copied onto another client does not open.
import type { CryptoBox } from "../keys/index.ts";

const aad = (clientId: string) => `oidc-client-secret:${clientId}`;

export function sealClientSecret(box: CryptoBox, clientId: string, secret: string): string {
  return box.seal(secret, aad(clientId));
}

export function openClientSecret(box: CryptoBox, clientId: string, sealed: string): string {
  return box.open(sealed, aad(clientId)).toString("utf8");
}

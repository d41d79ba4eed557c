// TOTP secrets at rest: AES-256-GCM under the master key (keys/CryptoBox), with the user id as
// additional authenticated data, so a sealed secret copied onto another user's row fails to open.
/** The part of keys/CryptoBox this module uses. */
export interface SecretBox {
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): Buffer;
}

const aad = (userId: string) => `totp:${userId}`;

export function sealTotpSecret(box: SecretBox, userId: string, secretBase32: string): string {
  return box.seal(secretBase32, aad(userId));
}

export function openTotpSecret(box: SecretBox, userId: string, sealed: string): string {
  return box.open(sealed, aad(userId)).toString("utf8");
}

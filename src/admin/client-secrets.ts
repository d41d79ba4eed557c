// OIDC client secrets: 256 random bits, shown to the admin once, stored only sealed under the
// master key (AES-256-GCM, bound to the client id so a sealed value cannot be moved to another
// client). The OIDC provider opens them with the same AAD.
import { randomBytes } from "node:crypto";
import type { CryptoBox } from "../keys/index.ts";

export const clientSecretAad = (clientId: string): string => `oidc-client-secret:${clientId}`;

export function newClientSecret(box: CryptoBox, clientId: string): { secret: string; secretEnc: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, secretEnc: box.seal(secret, clientSecretAad(clientId)) };
}

/** Confidential clients authenticate at the token endpoint; "none" is a public client (PKCE). */
export const isConfidential = (metadata: Record<string, unknown>): boolean =>
  (metadata.token_endpoint_auth_method ?? "client_secret_basic") !== "none";

// OIDC client secrets: 256 random bits, shown to the admin once, stored only sealed under the
// master key by the OIDC module's sealClientSecret, so the provider opens exactly what is sealed here.
import { randomBytes } from "node:crypto";
import type { CryptoBox } from "../keys/index.ts";
import { sealClientSecret } from "../oidc/index.ts";

export function newClientSecret(box: CryptoBox, clientId: string): { secret: string; secretEnc: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, secretEnc: sealClientSecret(box, clientId, secret) };
}

/** Confidential clients authenticate at the token endpoint; "none" is a public client (PKCE). */
export const isConfidential = (metadata: Record<string, unknown>): boolean =>
  (metadata.token_endpoint_auth_method ?? "client_secret_basic") !== "none";

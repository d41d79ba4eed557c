// Stored rows → in-memory key values. Only decryptPrivateKey() touches the sealed private key,
// and only the active key's is ever opened (KeyService.reload()).
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { ConfigError } from "../config.ts";
import type { SigningKey } from "../generated/prisma/client.ts";
import { type CryptoBox, SealedValueError } from "./crypto-box.ts";
import { pemToDer, type PublicJwk } from "./generate.ts";

export type KeyState = "next" | "active" | "retired";

/** What a signer needs: on the hot path, from memory only (KeyService.activeKey()). */
export interface SigningKeyMaterial {
  kid: string;
  alg: "RS256";
  privateKey: KeyObject;
  publicKey: KeyObject;
  certificatePem: string;
  publicJwk: PublicJwk;
}

/** A published key: what verifiers (JWKS, SAML metadata, the local STS) may trust. */
export interface PublicKeyInfo {
  kid: string;
  alg: "RS256";
  state: KeyState;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
  certificatePem: string;
  /** the certificate's DER in base64, as SAML metadata's <ds:X509Certificate> wants it */
  certificateBase64: string;
  /** SHA-256 of the certificate DER, colon-separated hex (as `openssl x509 -fingerprint -sha256`) */
  fingerprintSha256: string;
  activatedAt: Date | null;
  retiredAt: Date | null;
}

/** One row of `idp keys list` / the admin keys page. */
export interface KeyListing {
  kid: string;
  state: KeyState;
  alg: string;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  published: boolean;
  fingerprintSha256: string;
}

/** The master key in use is not the one the signing keys were sealed under (or a row was altered). */
export class KeyDecryptError extends ConfigError {
  constructor(readonly kid: string, cause: unknown) {
    super("IDP_MASTER_KEY", `cannot decrypt signing key ${kid}: wrong IDP_MASTER_KEY?`);
    this.name = "KeyDecryptError";
    this.cause = cause;
  }
}

export type PublicRow = Omit<SigningKey, "privateKeyEnc">;

/** The AAD that binds a sealed private key to its row: it cannot be replayed under another kid. */
export const privateKeyAad = (kid: string): string => `signing-key:${kid}`;

export function isPublished(row: Pick<SigningKey, "state" | "retiredAt">, nowMs: number, retiredTtlSeconds: number): boolean {
  if (row.state === "active" || row.state === "next") return true;
  return row.state === "retired" && row.retiredAt !== null && row.retiredAt.getTime() > nowMs - retiredTtlSeconds * 1000;
}

/** Cached values are shared by every caller, so they are frozen (jwks() hands out copies). */
export function toPublicInfo(row: PublicRow): PublicKeyInfo {
  const stored = row.publicJwk as unknown as PublicJwk;
  const publicJwk = Object.freeze({ ...stored, x5c: Object.freeze([...stored.x5c]) }) as PublicJwk;
  const der = pemToDer(row.certificatePem);
  return Object.freeze({
    kid: row.kid,
    alg: "RS256",
    state: row.state as KeyState,
    publicKey: createPublicKey({ key: { kty: "RSA", n: publicJwk.n, e: publicJwk.e }, format: "jwk" }),
    publicJwk,
    certificatePem: row.certificatePem,
    certificateBase64: der.toString("base64"),
    fingerprintSha256: fingerprint(der),
    activatedAt: row.activatedAt,
    retiredAt: row.retiredAt,
  });
}

export function decryptPrivateKey(box: CryptoBox, row: SigningKey, info: PublicKeyInfo): SigningKeyMaterial {
  let der: Buffer;
  try {
    der = box.open(row.privateKeyEnc, privateKeyAad(row.kid));
  } catch (err) {
    if (err instanceof SealedValueError) throw new KeyDecryptError(row.kid, err);
    throw err;
  }
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  der.fill(0);
  // The AAD binds the private key to the kid; this binds the published half to the private half.
  const derived = createPublicKey(privateKey).export({ format: "jwk" });
  if (derived.n !== info.publicJwk.n || derived.e !== info.publicJwk.e) {
    throw new Error(`signing key ${row.kid}: the stored public key does not match its private key`);
  }
  return Object.freeze({ kid: row.kid, alg: "RS256", privateKey, publicKey: info.publicKey, certificatePem: row.certificatePem, publicJwk: info.publicJwk });
}

export function fingerprint(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex").toUpperCase().replace(/(..)(?!$)/g, "$1:");
}

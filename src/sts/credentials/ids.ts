// AWS-shaped identifiers and secrets (sts.md §1.3; IAM "unique identifiers"):
// access key ids are a 4-letter prefix + 16 base32 characters (ASIA… temporary, AKIA… long-term),
// role and user ids AROA…/AIDA… + 17 characters. Secrets and session tokens come from the CSPRNG.
import { createHash } from "node:crypto";
import { pooledRandomBytes } from "../../keys/random-pool.ts";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += BASE32[bytes[i % bytes.length]! & 31];
  return out;
}

export type AccessKeyKind = "temporary" | "long-term";

const ACCESS_KEY_RANDOM_BYTES = 16;
const SECRET_BYTES = 30;
const SESSION_TOKEN_BYTES = 96;

export function newAccessKeyId(kind: AccessKeyKind): string {
  return accessKeyId(kind, pooledRandomBytes(ACCESS_KEY_RANDOM_BYTES));
}

/** 40 characters, like AWS secret access keys. */
export function newSecretAccessKey(): string {
  return pooledRandomBytes(SECRET_BYTES).toString("base64");
}

/**
 * A temporary credential (ASIA… key id, secret, session token) from one CSPRNG call. The session
 * token is an opaque bearer string; AWS says to make no assumption about its size.
 */
export function newTemporaryCredential(): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const r = pooledRandomBytes(ACCESS_KEY_RANDOM_BYTES + SECRET_BYTES + SESSION_TOKEN_BYTES);
  const secretEnd = ACCESS_KEY_RANDOM_BYTES + SECRET_BYTES;
  return {
    accessKeyId: accessKeyId("temporary", r.subarray(0, ACCESS_KEY_RANDOM_BYTES)),
    secretAccessKey: r.subarray(ACCESS_KEY_RANDOM_BYTES, secretEnd).toString("base64"),
    sessionToken: r.subarray(secretEnd).toString("base64"),
  };
}

function accessKeyId(kind: AccessKeyKind, random: Uint8Array): string {
  return (kind === "temporary" ? "ASIA" : "AKIA") + base32(random, 16);
}

export function sessionTokenHash(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Stable unique ids derived from a row's uuid, so every instance computes the same one. */
export function roleId(roleUuid: string): string {
  return "AROA" + base32(createHash("sha256").update(`role:${roleUuid}`).digest(), 17);
}

export function iamUserId(seed: string): string {
  return "AIDA" + base32(createHash("sha256").update(`user:${seed}`).digest(), 17);
}

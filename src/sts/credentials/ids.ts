// AWS-shaped identifiers and secrets (sts.md §1.3; IAM "unique identifiers"):
// access key ids are a 4-letter prefix + 16 base32 characters (ASIA… temporary, AKIA… long-term),
// role and user ids AROA…/AIDA… + 17 characters. Secrets and session tokens come from the CSPRNG.
import { createHash, randomBytes } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += BASE32[bytes[i % bytes.length]! & 31];
  return out;
}

export type AccessKeyKind = "temporary" | "long-term";

export function newAccessKeyId(kind: AccessKeyKind): string {
  return (kind === "temporary" ? "ASIA" : "AKIA") + base32(randomBytes(16), 16);
}

/** 40 characters, like AWS secret access keys. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64");
}

/** An opaque bearer string; AWS says to make no assumption about its size. */
export function newSessionToken(): string {
  return randomBytes(96).toString("base64");
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

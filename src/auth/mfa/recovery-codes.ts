// Single-use recovery codes, for when the authenticator is lost. Ten 80-bit random codes, shown
// once, stored as SHA-256 (a fast hash is enough for 80 random bits: there is nothing to guess
// from a dictionary). Typed with or without dashes and in any case.
import { createHash, randomBytes } from "node:crypto";

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32: no i, l, o, u

export function newRecoveryCode(): string {
  const bytes = randomBytes(10); // 80 bits = 16 base32 characters
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join("-");
}

/** Normalised form: lowercase, no separators, Crockford's look-alikes folded; null if not a code. */
export function normalizeRecoveryCode(input: string): string | null {
  const s = input.toLowerCase().replace(/[\s-]/g, "").replace(/[il]/g, "1").replace(/o/g, "0");
  return /^[0-9a-hjkmnp-tv-z]{16}$/.test(s) ? s : null;
}

export function hashRecoveryCode(normalized: string): string {
  return createHash("sha256").update(normalized).digest("hex");
}

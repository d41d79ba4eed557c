// Authenticated encryption at rest (AES-256-GCM) for secrets kept in the database: signing keys,
// TOTP secrets, OIDC client secrets. Sealed form: "v1.<iv>.<tag>.<ciphertext>", base64url parts.
// - a fresh random 96-bit IV per seal (NIST SP 800-38D §8.2.2: the recommended IV length);
// - the AAD names the ciphertext's purpose and row ("signing-key:<kid>", "totp:<userId>"), so a
//   ciphertext copied into another row or column fails to open instead of being accepted;
// - the "v1" prefix leaves room for a new algorithm or key without guessing old rows' format.
import { createCipheriv, createDecipheriv } from "node:crypto";
import { pooledRandomBytes } from "./random-pool.ts";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** A sealed value could not be opened: wrong master key, tampered data, or another row's value. */
export class SealedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedValueError";
  }
}

export class CryptoBox {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new RangeError(`the master key must be ${KEY_BYTES} bytes (got ${masterKey.length})`);
    this.#key = Buffer.from(masterKey);
  }

  seal(plaintext: string | Buffer, aad: string): string {
    const iv = pooledRandomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
  }

  /** Throws SealedValueError unless `sealed` was made by seal() with this key and this exact aad. */
  open(sealed: string, aad: string): Buffer {
    const parts = sealed.split(".");
    if (parts.length !== 4 || parts[0] !== VERSION || !parts.slice(1).every((p) => B64URL.test(p))) {
      throw new SealedValueError(`not a ${VERSION} sealed value`);
    }
    const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, "base64url")) as [Buffer, Buffer, Buffer];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealedValueError(`not a ${VERSION} sealed value`);
    const decipher = createDecipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new SealedValueError("authentication failed (wrong master key, tampered value, or a value sealed for another purpose)");
    }
  }
}

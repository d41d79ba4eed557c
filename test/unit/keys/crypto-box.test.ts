import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CryptoBox, SealedValueError } from "../../../src/keys/index.ts";

const box = new CryptoBox(randomBytes(32));

/** Re-encode one base64url part of a sealed value after flipping a bit in its bytes. */
function flip(sealed: string, part: 1 | 2 | 3, byte = 0): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[byte] = bytes[byte]! ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

test("seal then open returns the plaintext, for strings and buffers", () => {
  assert.equal(box.open(box.seal("totp secret", "totp:u1"), "totp:u1").toString("utf8"), "totp secret");
  const bytes = randomBytes(1200);
  assert.deepEqual(box.open(box.seal(bytes, "signing-key:k1"), "signing-key:k1"), bytes);
  assert.equal(box.open(box.seal("", "empty"), "empty").length, 0);
});

test("the sealed form is v1.<iv>.<tag>.<ciphertext> in base64url, with a fresh IV each time", () => {
  const a = box.seal("same", "aad");
  const b = box.seal("same", "aad");
  assert.match(a, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  assert.notEqual(a.split(".")[1], b.split(".")[1]);
  assert.notEqual(a, b);
  assert.ok(!a.includes("same"));
});

test("tampering with the IV, the tag or the ciphertext is detected", () => {
  const sealed = box.seal("client secret value", "client:abc");
  for (const part of [1, 2, 3] as const) {
    assert.throws(() => box.open(flip(sealed, part), "client:abc"), SealedValueError, `part ${part}`);
  }
  const truncated = sealed.slice(0, -2);
  assert.throws(() => box.open(truncated, "client:abc"), SealedValueError);
});

test("a value sealed for one purpose or row does not open under another AAD", () => {
  const sealed = box.seal("private key bytes", "signing-key:kid-a");
  assert.throws(() => box.open(sealed, "signing-key:kid-b"), SealedValueError);
  assert.throws(() => box.open(sealed, "totp:kid-a"), SealedValueError);
});

test("a different master key cannot open the value", () => {
  const sealed = box.seal("secret", "aad");
  assert.throws(() => new CryptoBox(randomBytes(32)).open(sealed, "aad"), SealedValueError);
});

test("malformed sealed values are refused with SealedValueError, not a crash", () => {
  for (const bad of ["", "plain text", "v2.a.b.c", "v1.a.b", "v1.!!.AAAA.AAAA", "v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AA"]) {
    assert.throws(() => box.open(bad, "aad"), SealedValueError, bad);
  }
});

test("the master key must be 32 bytes", () => {
  assert.throws(() => new CryptoBox(randomBytes(16)), RangeError);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { hashRecoveryCode, newRecoveryCode, normalizeRecoveryCode } from "../../../src/auth/mfa/recovery-codes.ts";

test("codes are 16 Crockford base32 characters in groups of four, and distinct", () => {
  const codes = Array.from({ length: 200 }, newRecoveryCode);
  for (const c of codes) assert.match(c, /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
  assert.equal(new Set(codes).size, codes.length);
});

test("typing variations normalise to the same code", () => {
  const c = newRecoveryCode();
  const n = normalizeRecoveryCode(c)!;
  assert.equal(normalizeRecoveryCode(c.toUpperCase()), n);
  assert.equal(normalizeRecoveryCode(c.replace(/-/g, " ")), n);
  assert.equal(normalizeRecoveryCode(` ${c.replace(/-/g, "")} `), n);
  assert.equal(normalizeRecoveryCode("0000-1111-2222-3333"), normalizeRecoveryCode("oooo-iiii-2222-3333"));
  assert.equal(hashRecoveryCode(n), hashRecoveryCode(normalizeRecoveryCode(c.toUpperCase())!));
});

test("non-codes are rejected", () => {
  assert.equal(normalizeRecoveryCode("123456"), null);
  assert.equal(normalizeRecoveryCode("uuuu-uuuu-uuuu-uuuu"), null);
  assert.equal(normalizeRecoveryCode("abcd-efgh-jkmn-pqrst"), null);
});

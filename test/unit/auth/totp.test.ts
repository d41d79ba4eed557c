import assert from "node:assert/strict";
import { test } from "node:test";
import { matchTotp, newTotpSecret, totpAt, totpUri } from "../../../src/auth/mfa/totp.ts";

// RFC 6238 Appendix B: SHA-1 secret "12345678901234567890", 8 digits; the 6-digit codes are the
// last six digits of those values.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

test("codes match the RFC 6238 test vectors", () => {
  assert.equal(totpAt(RFC_SECRET, new Date(59_000)), "287082");
  assert.equal(totpAt(RFC_SECRET, new Date(1111111109_000)), "081804");
  assert.equal(totpAt(RFC_SECRET, new Date(1234567890_000)), "005924");
});

test("a code matches its own step and one step either side, and returns that step", () => {
  const secret = newTotpSecret();
  const t = new Date(1_700_000_000_000);
  const step = Math.floor(t.getTime() / 30_000);
  assert.equal(matchTotp(secret, totpAt(secret, t), t), step);
  assert.equal(matchTotp(secret, totpAt(secret, new Date(t.getTime() - 30_000)), t), step - 1);
  assert.equal(matchTotp(secret, totpAt(secret, new Date(t.getTime() + 30_000)), t), step + 1);
  assert.equal(matchTotp(secret, totpAt(secret, new Date(t.getTime() + 60_000)), t), null);
  assert.equal(matchTotp(secret, totpAt(secret, new Date(t.getTime() - 60_000)), t), null);
});

test("malformed codes never match", () => {
  const secret = newTotpSecret();
  for (const c of ["", "12345", "1234567", "abcdef", " 123456"]) assert.equal(matchTotp(secret, c, new Date()), null);
});

test("the otpauth URI names issuer, account and the standard parameters", () => {
  const uri = new URL(totpUri("JBSWY3DPEHPK3PXP", "idp-gateway", "alice"));
  assert.equal(uri.protocol, "otpauth:");
  assert.equal(uri.searchParams.get("issuer"), "idp-gateway");
  assert.equal(uri.searchParams.get("secret"), "JBSWY3DPEHPK3PXP");
  assert.equal(uri.searchParams.get("algorithm"), "SHA1");
  assert.equal(uri.searchParams.get("digits"), "6");
  assert.equal(uri.searchParams.get("period"), "30");
  assert.match(decodeURIComponent(uri.pathname), /alice/);
});

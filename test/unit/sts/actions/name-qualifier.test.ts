import assert from "node:assert/strict";
import { test } from "node:test";
import { nameQualifier } from "../../../../src/sts/index.ts";

test("NameQualifier = Base64(SHA1(issuer + account + '/' + provider)): AWS's test vector", () => {
  assert.equal(nameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP"), "1uAJanUnBc2XeUkHURMht+xam2c=");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { safeReturnTo } from "../../../src/auth/login/return-to.ts";

test("same-origin relative paths are kept", () => {
  assert.equal(safeReturnTo("/"), "/");
  assert.equal(safeReturnTo("/saml/sso?SAMLRequest=abc%2B&RelayState=x"), "/saml/sso?SAMLRequest=abc%2B&RelayState=x");
  assert.equal(safeReturnTo("/oidc/interaction/xyz#top"), "/oidc/interaction/xyz#top");
});

test("anything that could leave the origin is refused", () => {
  for (const v of [
    "//evil.com",
    "//evil.com/path",
    "https://evil.com",
    "http:/evil.com",
    "javascript:alert(1)",
    "/\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/%0a",
    "evil.com",
    "",
    " /x",
    "/" + "a".repeat(3000),
  ]) {
    const got = safeReturnTo(v);
    // "/%0a" is an encoded newline inside a path: harmless, stays on this origin
    if (v === "/%0a") assert.equal(got, "/%0a");
    else assert.equal(got, undefined, JSON.stringify(v));
  }
});

test("non-strings are refused", () => {
  assert.equal(safeReturnTo(undefined), undefined);
  assert.equal(safeReturnTo(["/a", "/b"]), undefined);
  assert.equal(safeReturnTo({ toString: () => "/" }), undefined);
});

test("dot segments cannot climb into a protocol-relative URL", () => {
  assert.equal(safeReturnTo("/./"), "/");
  assert.equal(safeReturnTo("/a/..//evil.com"), undefined);
});

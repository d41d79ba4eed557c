// The usernames a just-in-time user from an upstream IdP may get, in order (auth/upstream/accounts.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { usernameCandidates } from "../../../src/auth/upstream/accounts.ts";

test("a valid claim first (lower-cased), then suffixed with the slug, then numbered", () => {
  assert.deepEqual(usernameCandidates("corp", "Alice", "sub-1").slice(0, 4), ["alice", "alice.corp", "alice.corp.2", "alice.corp.3"]);
});

test("without a usable claim: the slug and a hash of sub, the same for the same sub", () => {
  for (const claim of [undefined, "", "not a username!", 42, "x".repeat(65)]) {
    const [only, ...rest] = usernameCandidates("corp", claim, "sub-1");
    assert.match(only!, /^corp\.[0-9a-f]{10}$/);
    assert.deepEqual(rest, []);
  }
  assert.notEqual(usernameCandidates("corp", undefined, "sub-1")[0], usernameCandidates("corp", undefined, "sub-2")[0]);
});

test("suffixed names still fit 64 characters and end the base on a letter or digit", () => {
  const long = `${"a".repeat(60)}.b`;
  for (const name of usernameCandidates("partner", long, "s")) assert.ok(name.length <= 64, name);
  assert.equal(usernameCandidates("partner", `${"a".repeat(55)}.bcdefgh`, "s")[1], `${"a".repeat(55)}.partner`);
});

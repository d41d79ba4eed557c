import { test } from "node:test";
import assert from "node:assert/strict";
import type { RequestContext } from "../../../../src/sts/iam/index.ts";
import { holds } from "./helpers.ts";

type Row = [operator: string, policy: unknown, request: RequestContext["x"], want: boolean];

function run(rows: Row[]) {
  for (const [operator, policy, request, want] of rows) {
    const context: RequestContext = request === undefined ? {} : { "test:key": request };
    assert.equal(holds({ [operator]: { "test:key": policy } }, context), want, `${operator} ${JSON.stringify(policy)} vs ${JSON.stringify(request)}`);
  }
}

test("StringEquals: exact, case-sensitive, values OR'd, no wildcards", () => {
  run([
    ["StringEquals", "abc", "abc", true],
    ["StringEquals", "abc", "ABC", false],
    ["StringEquals", "abc", "abcd", false],
    ["StringEquals", "abc", "", false],
    ["StringEquals", "", "", true],
    ["StringEquals", ["x", "abc"], "abc", true],
    ["StringEquals", ["x", "y"], "abc", false],
    ["StringEquals", "a*", "abc", false],
    ["StringEquals", "a*", "a*", true],
    ["StringEquals", "a?c", "abc", false],
    ["StringEquals", "abc", undefined, false],
    // numbers and booleans in the policy or request compare as text
    ["StringEquals", 10, "10", true],
    ["StringEquals", "10", 10, true],
    ["StringEquals", true, "true", true],
    ["StringEquals", "10", "10.0", false],
  ]);
});

test("StringNotEquals: true when the value is none of the listed (NOR), and for a missing key", () => {
  run([
    ["StringNotEquals", "abc", "abc", false],
    ["StringNotEquals", "abc", "ABC", true],
    ["StringNotEquals", ["prod", "dev"], "prod", false],
    ["StringNotEquals", ["prod", "dev"], "dev", false],
    ["StringNotEquals", ["prod", "dev"], "test", true],
    ["StringNotEquals", ["prod", "dev"], undefined, true],
  ]);
});

test("StringEqualsIgnoreCase / StringNotEqualsIgnoreCase", () => {
  run([
    ["StringEqualsIgnoreCase", "Engineering", "engineering", true],
    ["StringEqualsIgnoreCase", "Engineering", "ENGINEERING", true],
    ["StringEqualsIgnoreCase", "Engineering", "engineer", false],
    ["StringEqualsIgnoreCase", "STRASSE", "strasse", true],
    ["StringEqualsIgnoreCase", "a*", "A*", true],
    ["StringEqualsIgnoreCase", "a*", "Ab", false],
    ["StringEqualsIgnoreCase", "x", undefined, false],
    ["StringNotEqualsIgnoreCase", "Engineering", "ENGINEERING", false],
    ["StringNotEqualsIgnoreCase", "Engineering", "finance", true],
    ["StringNotEqualsIgnoreCase", ["a", "B"], "b", false],
    ["StringNotEqualsIgnoreCase", "x", undefined, true],
  ]);
});

test("StringLike / StringNotLike: case-sensitive wildcards", () => {
  run([
    ["StringLike", "repo:org/*", "repo:org/app:ref:refs/heads/main", true],
    ["StringLike", "repo:org/*", "repo:other/app", false],
    ["StringLike", "repo:org/*", "REPO:org/app", false],
    ["StringLike", "a?c", "abc", true],
    ["StringLike", "a?c", "abbc", false],
    ["StringLike", "*", "", true],
    ["StringLike", "", "", true],
    ["StringLike", "", "x", false],
    ["StringLike", ["x*", "*y"], "zzy", true],
    ["StringLike", ["x*", "*y"], "zzz", false],
    ["StringLike", "home/*", undefined, false],
    ["StringLike", "a.b", "aXb", false],
    ["StringNotLike", "home/*", "home/alice", false],
    ["StringNotLike", "home/*", "work/alice", true],
    ["StringNotLike", ["a*", "b*"], "bob", false],
    ["StringNotLike", ["a*", "b*"], "carol", true],
    ["StringNotLike", "home/*", undefined, true],
  ]);
});

test("string operators on a multivalued key without a set operator", () => {
  // positive: any request value matching suffices; negated: no request value may match
  run([
    ["StringEquals", "a", ["b", "a"], true],
    ["StringEquals", "a", ["b", "c"], false],
    ["StringNotEquals", "a", ["b", "a"], false],
    ["StringNotEquals", "a", ["b", "c"], true],
    ["StringLike", "a*", ["x", "ab"], true],
    ["StringNotLike", "a*", ["x", "ab"], false],
  ]);
});

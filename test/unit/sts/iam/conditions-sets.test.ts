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

test("missing key: positive false, negated true, IfExists true", () => {
  run([
    ["StringEquals", "a", undefined, false],
    ["StringLike", "*", undefined, false],
    ["NumericEquals", "1", undefined, false],
    ["DateEquals", "2020-01-01", undefined, false],
    ["Bool", "true", undefined, false],
    ["IpAddress", "0.0.0.0/0", undefined, false],
    ["ArnLike", "*", undefined, false],
    ["StringNotEquals", "a", undefined, true],
    ["StringNotLike", "*", undefined, true],
    ["NumericNotEquals", "1", undefined, true],
    ["DateNotEquals", "2020-01-01", undefined, true],
    ["NotIpAddress", "0.0.0.0/0", undefined, true],
    ["ArnNotLike", "*", undefined, true],
    ["StringEqualsIfExists", "a", undefined, true],
    ["StringNotEqualsIfExists", "a", undefined, true],
    ["NumericLessThanIfExists", "1", undefined, true],
    ["DateLessThanIfExists", "2020-01-01", undefined, true],
    ["IpAddressIfExists", "10.0.0.0/8", undefined, true],
    ["ArnLikeIfExists", "arn:aws:iam::*:*", undefined, true],
  ]);
});

test("IfExists with the key present behaves as the plain operator", () => {
  run([
    ["StringEqualsIfExists", "a", "a", true],
    ["StringEqualsIfExists", "a", "b", false],
    ["StringNotEqualsIfExists", "a", "a", false],
    ["StringNotEqualsIfExists", "a", "b", true],
    ["StringLikeIfExists", "a*", "abc", true],
    ["StringLikeIfExists", "a*", "xbc", false],
    ["NumericLessThanIfExists", "10", "11", false],
    ["NumericLessThanIfExists", "10", "9", true],
    ["DateGreaterThanIfExists", "2020-01-01", "2019-01-01", false],
    ["IpAddressIfExists", "10.0.0.0/8", "11.0.0.1", false],
    ["ArnLikeIfExists", "arn:aws:iam::1*:*", "arn:aws:iam::211122223333:root", false],
    // an empty string is present
    ["StringEqualsIfExists", "a", "", false],
  ]);
});

test("ForAnyValue: at least one request value matches; false for a missing or empty key", () => {
  run([
    ["ForAnyValue:StringEquals", ["a", "b"], ["b", "c"], true],
    ["ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], false],
    ["ForAnyValue:StringEquals", ["a", "b"], "a", true],
    ["ForAnyValue:StringEquals", ["a", "b"], undefined, false],
    ["ForAnyValue:StringEquals", ["a", "b"], [], false],
    ["ForAnyValue:StringLike", ["a*"], ["x", "ab"], true],
    ["ForAnyValue:StringEqualsIgnoreCase", "ADMIN", ["user", "admin"], true],
    ["ForAnyValue:NumericGreaterThan", "5", ["1", "6"], true],
    ["ForAnyValue:NumericGreaterThan", "5", ["1", "2"], false],
    // negated: at least one request value matches none of the policy values
    ["ForAnyValue:StringNotEquals", ["environment", "webserver"], ["environment", "webserver"], false],
    ["ForAnyValue:StringNotEquals", ["environment", "webserver"], ["environment", "dev"], true],
    ["ForAnyValue:StringNotEquals", ["a"], undefined, false],
    ["ForAnyValue:StringNotEquals", ["a"], [], false],
    ["ForAnyValue:StringNotLike", ["a*"], ["ab", "ac"], false],
    ["ForAnyValue:StringNotLike", ["a*"], ["ab", "bc"], true],
    // IfExists: a missing key holds
    ["ForAnyValue:StringEqualsIfExists", ["a"], undefined, true],
    ["ForAnyValue:StringEqualsIfExists", ["a"], ["b"], false],
  ]);
});

test("ForAllValues: every request value matches; true for a missing or empty key", () => {
  run([
    ["ForAllValues:StringEquals", ["a", "b"], ["a", "b"], true],
    ["ForAllValues:StringEquals", ["a", "b"], ["a"], true],
    ["ForAllValues:StringEquals", ["a", "b"], ["a", "c"], false],
    ["ForAllValues:StringEquals", ["a", "b"], "c", false],
    ["ForAllValues:StringEquals", ["a", "b"], undefined, true],
    ["ForAllValues:StringEquals", ["a", "b"], [], true],
    ["ForAllValues:StringEquals", ["a", "b"], ["A"], false],
    ["ForAllValues:StringEqualsIgnoreCase", ["a", "b"], ["A", "B"], true],
    ["ForAllValues:StringLike", ["team-*"], ["team-a", "team-b"], true],
    ["ForAllValues:StringLike", ["team-*"], ["team-a", "admin"], false],
    // negated: no request value matches any policy value
    ["ForAllValues:StringNotEquals", ["admin", "root"], ["dev", "ops"], true],
    ["ForAllValues:StringNotEquals", ["admin", "root"], ["dev", "root"], false],
    ["ForAllValues:StringNotEquals", ["admin"], undefined, true],
    ["ForAllValues:StringNotLike", ["admin*"], ["dev", "administrator"], false],
    ["ForAllValues:StringNotLike", ["admin*"], ["dev", "ops"], true],
    ["ForAllValues:NumericLessThan", "10", ["1", "9"], true],
    ["ForAllValues:NumericLessThan", "10", ["1", "10"], false],
    ["ForAllValues:StringEqualsIfExists", ["a"], undefined, true],
  ]);
});

test("Null ignores set prefixes", () => {
  run([
    ["ForAnyValue:Null", "true", undefined, true],
    ["ForAllValues:Null", "false", ["a"], true],
    ["ForAllValues:Null", "false", undefined, false],
  ]);
});

test("condition keys are case-insensitive; several keys and operators are AND'd", () => {
  const condition = {
    StringEquals: { "SAML:AUD": "https://signin.aws.amazon.com/saml", "saml:iss": "https://idp.example.com" },
    Bool: { "aws:MultiFactorAuthPresent": "true" },
  };
  const ok = { "saml:aud": "https://signin.aws.amazon.com/saml", "SAML:Iss": "https://idp.example.com", "AWS:multifactorauthpresent": true };
  assert.equal(holds(condition, ok), true);
  assert.equal(holds(condition, { ...ok, "SAML:Iss": "https://evil.example.com" }), false);
  assert.equal(holds(condition, { ...ok, "AWS:multifactorauthpresent": false }), false);
  const { "saml:aud": _, ...withoutAud } = ok;
  assert.equal(holds(condition, withoutAud), false);
  // the same key under two operators: both must hold
  const range = { NumericGreaterThanEquals: { "sts:DurationSeconds": 900 }, NumericLessThanEquals: { "sts:DurationSeconds": 3600 } };
  assert.equal(holds(range, { "sts:DurationSeconds": 1800 }), true);
  assert.equal(holds(range, { "sts:DurationSeconds": 7200 }), false);
  assert.equal(holds(range, { "sts:DurationSeconds": 600 }), false);
});

test("the same key given twice in the context with different case is merged", () => {
  assert.equal(holds({ "ForAllValues:StringEquals": { "aws:TagKeys": ["a"] } }, { "aws:TagKeys": ["a"], "AWS:TAGKEYS": ["b"] }), false);
  assert.equal(holds({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["b"] } }, { "aws:TagKeys": ["a"], "AWS:TAGKEYS": ["b"] }), true);
});

test("a null context value is treated as absent", () => {
  assert.equal(holds({ Null: { "test:key": "true" } }, { "test:key": null as never }), true);
  assert.equal(holds({ StringNotEquals: { "test:key": "a" } }, { "test:key": null as never }), true);
});

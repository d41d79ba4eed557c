import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate, parsePolicy } from "../../../../src/sts/iam/index.ts";

const identity = parsePolicy({
  Version: "2012-10-17",
  Statement: [
    { Sid: "ReadAll", Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: "*" },
    { Sid: "NoSecrets", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::secrets/*" },
    { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::uploads/*", Condition: { StringEquals: { "s3:x-amz-acl": "private" } } },
  ],
});

test("allow, explicit deny wins, implicit deny", () => {
  const e1 = evaluate([identity], { action: "s3:GetObject", resource: "arn:aws:s3:::public/a", context: {} });
  assert.equal(e1.decision, "Allow");
  assert.deepEqual(e1.matched, [{ policyLabel: "policy #0", sid: "ReadAll", index: 0, effect: "Allow" }]);

  const e2 = evaluate([identity], { action: "s3:GetObject", resource: "arn:aws:s3:::secrets/a", context: {} });
  assert.equal(e2.decision, "ExplicitDeny");
  assert.deepEqual(e2.matched.map((m) => [m.sid, m.effect]), [["ReadAll", "Allow"], ["NoSecrets", "Deny"]]);

  const e3 = evaluate([identity], { action: "s3:DeleteObject", resource: "arn:aws:s3:::public/a", context: {} });
  assert.equal(e3.decision, "ImplicitDeny");
  assert.deepEqual(e3.matched, []);

  assert.equal(evaluate([], { action: "s3:GetObject", context: {} }).decision, "ImplicitDeny");
});

test("a deny in one policy overrides an allow in another; labels identify policies", () => {
  const deny = parsePolicy({ Version: "2012-10-17", Statement: { Sid: "Stop", Effect: "Deny", Action: "*", Resource: "*" } });
  const e = evaluate(
    [
      { policy: identity, label: "role inline ReadOnly" },
      { policy: deny, label: "AWSRevokeOlderSessions" },
    ],
    { action: "s3:GetObject", resource: "arn:aws:s3:::public/a", context: {} },
  );
  assert.equal(e.decision, "ExplicitDeny");
  assert.deepEqual(e.matched.at(-1), { policyLabel: "AWSRevokeOlderSessions", sid: "Stop", index: 0, effect: "Deny" });
  assert.match(e.explanation.at(-1)!, /^Decision: ExplicitDeny \(denied by AWSRevokeOlderSessions statement 0 \(Sid Stop\)\)$/);
});

test("the explanation lists every statement and why it did not apply", () => {
  const e = evaluate([{ policy: identity, label: "inline" }], { action: "s3:PutObject", resource: "arn:aws:s3:::uploads/x", context: { "s3:x-amz-acl": "public-read" } });
  assert.equal(e.decision, "ImplicitDeny");
  assert.equal(e.explanation.length, 4);
  assert.match(e.explanation[0]!, /^inline statement 0 \(Sid ReadAll\): Allow does not apply: action s3:PutObject is not listed in Action$/);
  assert.match(e.explanation[1]!, /^inline statement 1 \(Sid NoSecrets\): Deny does not apply: resource arn:aws:s3:::uploads\/x is not listed in Resource$/);
  assert.match(e.explanation[2]!, /^inline statement 2: Allow does not apply: condition failed: StringEquals s3:x-amz-acl: request \["public-read"\] does not satisfy \["private"\]$/);
  assert.equal(e.explanation[3], "Decision: ImplicitDeny (no statement allows s3:PutObject)");

  const ok = evaluate([{ policy: identity, label: "inline" }], { action: "s3:PutObject", resource: "arn:aws:s3:::uploads/x", context: { "s3:x-amz-acl": "private" } });
  assert.equal(ok.decision, "Allow");
  assert.match(ok.explanation[2]!, /^inline statement 2: Allow applies to s3:PutObject \(condition holds: StringEquals s3:x-amz-acl/);
  assert.equal(ok.explanation.at(-1), "Decision: Allow (allowed by inline statement 2)");
});

test("the explanation names a missing key and every failed condition", () => {
  const p = parsePolicy({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/team": "a" }, Bool: { "aws:SecureTransport": "true" } } },
  });
  const e = evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { "aws:SecureTransport": false } });
  assert.equal(e.decision, "ImplicitDeny");
  assert.match(e.explanation[0]!, /key aws:PrincipalTag\/team is not in the request/);
  assert.match(e.explanation[0]!, /Bool aws:SecureTransport: request \["false"\] does not satisfy \["true"\]/);
});

test("the explanation names NotAction / NotResource / NotPrincipal exclusions", () => {
  const p = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Deny", NotAction: "iam:*", Resource: "*" },
      { Effect: "Deny", Action: "iam:*", NotResource: "arn:aws:iam::111122223333:user/*" },
      { Effect: "Deny", NotPrincipal: { AWS: "111122223333" }, Action: "iam:*", Resource: "*" },
    ],
  });
  const e = evaluate([p], { principal: { type: "AWS", id: "arn:aws:iam::111122223333:user/a" }, action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/a", context: {} });
  assert.equal(e.decision, "ImplicitDeny");
  assert.match(e.explanation[0]!, /action iam:GetUser is listed in NotAction/);
  assert.match(e.explanation[1]!, /resource arn:aws:iam::111122223333:user\/a is listed in NotResource/);
  assert.match(e.explanation[2]!, /principal AWS arn:aws:iam::111122223333:user\/a is listed in NotPrincipal/);
});

test("Deny with NotResource denies everything else", () => {
  const p = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:*", Resource: "*" },
      { Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"] },
    ],
  });
  assert.equal(evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::mine/k", context: {} }).decision, "Allow");
  assert.equal(evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::theirs/k", context: {} }).decision, "ExplicitDeny");
});

test("statement order does not matter", () => {
  const statements = [
    { Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" },
    { Effect: "Allow", Action: "s3:*", Resource: "*" },
  ];
  for (const order of [statements, [...statements].reverse()]) {
    const p = parsePolicy({ Version: "2012-10-17", Statement: order });
    assert.equal(evaluate([p], { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k", context: {} }).decision, "ExplicitDeny");
    assert.equal(evaluate([p], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: {} }).decision, "Allow");
  }
});

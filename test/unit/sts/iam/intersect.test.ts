import { test } from "node:test";
import assert from "node:assert/strict";
import { intersect, parsePolicy } from "../../../../src/sts/iam/index.ts";

const role = parsePolicy({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["s3:*", "dynamodb:GetItem"], Resource: "*" },
    { Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" },
  ],
});
const session = parsePolicy({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: ["s3:GetObject", "s3:DeleteBucket", "ec2:*"], Resource: "arn:aws:s3:::reports/*" } });
const denySession = parsePolicy({ Version: "2012-10-17", Statement: { Effect: "Deny", Action: "s3:PutObject", Resource: "*" } });

const req = (action: string, resource = "arn:aws:s3:::reports/2024.csv") => ({ action, resource, context: {} });

test("allowed only when both the role and the session policy allow", () => {
  const layers = [
    { label: "role policies", policies: [role] },
    { label: "session policy", policies: [session] },
  ];
  assert.equal(intersect(layers, req("s3:GetObject")).decision, "Allow");
  // the session policy does not allow it
  const put = intersect(layers, req("s3:PutObject"));
  assert.equal(put.decision, "ImplicitDeny");
  assert.equal(put.failed, "session policy");
  // the role does not allow it: session policies cannot grant
  const ec2 = intersect(layers, req("ec2:RunInstances"));
  assert.equal(ec2.decision, "ImplicitDeny");
  assert.equal(ec2.failed, "role policies");
  // outside the session policy's resources
  assert.equal(intersect(layers, req("s3:GetObject", "arn:aws:s3:::other/x")).decision, "ImplicitDeny");
  // the role's deny wins over both allows
  const del = intersect(layers, req("s3:DeleteBucket"));
  assert.equal(del.decision, "ExplicitDeny");
  assert.equal(del.failed, "role policies");
});

test("a deny in the session policy wins", () => {
  const e = intersect(
    [
      { label: "role policies", policies: [role] },
      { label: "session policy", policies: [session, denySession] },
    ],
    req("s3:PutObject"),
  );
  assert.equal(e.decision, "ExplicitDeny");
  assert.equal(e.failed, "session policy");
  assert.ok(e.matched.some((m) => m.policyLabel === "session policy #1" && m.effect === "Deny"));
});

test("an empty layer allows nothing; no layers allow nothing", () => {
  assert.equal(intersect([{ label: "role policies", policies: [role] }, { label: "session policy", policies: [] }], req("s3:GetObject")).decision, "ImplicitDeny");
  assert.equal(intersect([], req("s3:GetObject")).decision, "ImplicitDeny");
  assert.equal(intersect([{ label: "role policies", policies: [role] }], req("s3:GetObject")).decision, "Allow");
});

test("labels and explanation by layer", () => {
  const e = intersect(
    [
      { label: "role policies", policies: [{ policy: role, label: "inline Engineer" }] },
      { label: "session policy", policies: [session] },
    ],
    req("s3:GetObject"),
  );
  assert.deepEqual(e.matched.map((m) => m.policyLabel), ["inline Engineer", "session policy #0"]);
  assert.equal(e.explanation[0], "role policies: Allow");
  assert.ok(e.explanation.includes("session policy: Allow"));
  assert.ok(e.explanation.some((l) => l.startsWith("  inline Engineer statement 0")));
  assert.equal(e.explanation.at(-1), "Decision: Allow");
});

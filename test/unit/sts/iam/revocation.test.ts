import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkRevocation,
  evaluate,
  parsePolicy,
  REVOKE_OLDER_SESSIONS_POLICY_NAME,
  revokeOlderSessionsDocument,
  revokeOlderSessionsPolicy,
} from "../../../../src/sts/iam/index.ts";

const instant = new Date("2024-06-01T12:00:00.000Z");

test("the AWSRevokeOlderSessions document is exactly the console's (sts.md §4)", () => {
  assert.equal(REVOKE_OLDER_SESSIONS_POLICY_NAME, "AWSRevokeOlderSessions");
  assert.equal(
    revokeOlderSessionsDocument(instant),
    '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2024-06-01T12:00:00.000Z"}}}}',
  );
  assert.equal(revokeOlderSessionsPolicy(instant).statements[0]!.effect, "Deny");
});

test("sessions issued before the instant are denied, at or after it are not", () => {
  const policy = revokeOlderSessionsPolicy(instant);
  const rows: [string, boolean][] = [
    ["2024-06-01T11:59:59.999Z", true],
    ["2024-01-01T00:00:00.000Z", true],
    ["2024-06-01T12:00:00.000Z", false],
    ["2024-06-01T12:00:00.001Z", false],
    ["2025-01-01T00:00:00.000Z", false],
  ];
  for (const [issued, revoked] of rows) {
    const e = checkRevocation(policy, { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", tokenIssueTime: new Date(issued) });
    assert.equal(e.revoked, revoked, issued);
    assert.equal(e.decision, revoked ? "ExplicitDeny" : "ImplicitDeny", issued);
  }
});

test("every action and resource is covered", () => {
  const policy = revokeOlderSessionsPolicy(instant);
  for (const action of ["sts:AssumeRole", "iam:CreateUser", "ec2:RunInstances"]) {
    assert.equal(checkRevocation(policy, { action, tokenIssueTime: new Date("2020-01-01T00:00:00Z") }).revoked, true, action);
  }
});

test("credentials without aws:TokenIssueTime (long-term keys) are not affected", () => {
  const policy = revokeOlderSessionsPolicy(instant);
  assert.equal(evaluate([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: {} }).decision, "ImplicitDeny");
});

test("revoking again moves the instant; the given issue time overrides the context", () => {
  const later = revokeOlderSessionsPolicy(new Date("2024-07-01T00:00:00Z"));
  const issued = new Date("2024-06-15T00:00:00Z");
  assert.equal(checkRevocation(revokeOlderSessionsPolicy(instant), { action: "s3:GetObject", tokenIssueTime: issued }).revoked, false);
  assert.equal(checkRevocation(later, { action: "s3:GetObject", tokenIssueTime: issued }).revoked, true);
  assert.equal(
    checkRevocation(later, { action: "s3:GetObject", tokenIssueTime: new Date("2024-08-01T00:00:00Z"), context: { "AWS:TokenIssueTime": "2000-01-01T00:00:00Z" } }).revoked,
    false,
  );
});

test("the console-written document parses as an identity policy and combines with allows", () => {
  const allow = parsePolicy({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } });
  const deny = parsePolicy(revokeOlderSessionsDocument(instant), { kind: "identity" });
  const request = (issued: string) => ({ action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { "aws:TokenIssueTime": issued } });
  assert.equal(evaluate([allow, deny], request("2024-05-01T00:00:00Z")).decision, "ExplicitDeny");
  assert.equal(evaluate([allow, deny], request("2024-07-01T00:00:00Z")).decision, "Allow");
});

// Policies as AWS documents them (IAM User Guide examples), evaluated end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate, evaluateTrust, parsePolicy, type RequestPrincipal } from "../../../../src/sts/iam/index.ts";

const ACCOUNT = "111122223333";

test("SAML trust policy (id_roles_create_for-idp_saml): SAML:aud must be the sign-in endpoint", () => {
  const policy = parsePolicy(
    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::${ACCOUNT}:saml-provider/ExampleOrgSSOProvider"},
      "Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`,
    { kind: "trust" },
  );
  const principal: RequestPrincipal = { type: "Federated", id: `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleOrgSSOProvider` };
  const base = { action: "sts:AssumeRoleWithSAML" as const, principal, tagging: false, sourceIdentity: false };
  assert.equal(evaluateTrust(policy, { ...base, context: { "saml:aud": "https://signin.aws.amazon.com/saml" } }).decision, "Allow");
  assert.equal(evaluateTrust(policy, { ...base, context: { "saml:aud": "https://evil.example.com/saml" } }).decision, "ImplicitDeny");
  assert.equal(evaluateTrust(policy, { ...base, context: {} }).decision, "ImplicitDeny");
  // a web-identity request against the SAML trust policy
  assert.equal(evaluateTrust(policy, { ...base, action: "sts:AssumeRoleWithWebIdentity", context: { "saml:aud": "https://signin.aws.amazon.com/saml" } }).decision, "ImplicitDeny");
});

test("GitHub Actions OIDC trust policy: aud StringEquals + sub StringLike", () => {
  const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
  const policy = parsePolicy(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: provider },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*" },
          },
        },
      ],
    },
    { kind: "trust" },
  );
  const run = (sub: string, aud = "sts.amazonaws.com", id = provider) =>
    evaluateTrust(policy, {
      action: "sts:AssumeRoleWithWebIdentity",
      principal: { type: "Federated", id },
      context: { "token.actions.githubusercontent.com:aud": aud, "token.actions.githubusercontent.com:sub": sub },
      tagging: false,
      sourceIdentity: false,
    }).decision;
  assert.equal(run("repo:octo-org/octo-repo:ref:refs/heads/main"), "Allow");
  assert.equal(run("repo:octo-org/octo-repo:environment:prod"), "Allow");
  assert.equal(run("repo:octo-org/octo-repo-fork:ref:refs/heads/main"), "ImplicitDeny");
  assert.equal(run("repo:evil-org/octo-repo:ref:refs/heads/main"), "ImplicitDeny");
  assert.equal(run("repo:octo-org/octo-repo:ref:refs/heads/main", "api://other"), "ImplicitDeny");
  assert.equal(run("repo:octo-org/octo-repo:ref:refs/heads/main", "sts.amazonaws.com", `arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com`), "ImplicitDeny");
});

test("Cognito identity pool trust policy with ForAnyValue:StringLike on amr", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: {
      Effect: "Allow",
      Principal: { Federated: "cognito-identity.amazonaws.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012" },
        "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
      },
    },
  });
  const run = (amr: string[]) =>
    evaluate([policy], {
      principal: { type: "Federated", id: "cognito-identity.amazonaws.com" },
      action: "sts:AssumeRoleWithWebIdentity",
      context: { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012", "cognito-identity.amazonaws.com:amr": amr },
    }).decision;
  assert.equal(run(["authenticated", "accounts.google.com", "accounts.google.com:123"]), "Allow");
  assert.equal(run(["unauthenticated"]), "ImplicitDeny");
  assert.equal(run([]), "ImplicitDeny");
});

test("MFA: Bool aws:MultiFactorAuthPresent in a trust policy", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:MultiFactorAuthPresent": true } } },
  });
  const run = (context: Record<string, boolean | string>) =>
    evaluate([policy], { principal: { type: "AWS", id: `arn:aws:iam::${ACCOUNT}:user/alice` }, action: "sts:AssumeRole", context }).decision;
  assert.equal(run({ "aws:MultiFactorAuthPresent": true }), "Allow");
  assert.equal(run({ "aws:MultiFactorAuthPresent": "true" }), "Allow");
  assert.equal(run({ "aws:MultiFactorAuthPresent": false }), "ImplicitDeny");
  // long-term keys: the key is absent, and Bool is then false
  assert.equal(run({}), "ImplicitDeny");
});

test("MFA: Deny with BoolIfExists false also catches long-term keys (key absent)", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "*", Resource: "*" },
      { Sid: "DenyAllExceptListedIfNoMFA", Effect: "Deny", NotAction: ["iam:ChangePassword", "sts:GetSessionToken"], Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } },
    ],
  });
  const run = (action: string, context: Record<string, boolean>) => evaluate([policy], { action, resource: "arn:aws:s3:::b", context }).decision;
  assert.equal(run("s3:ListBucket", {}), "ExplicitDeny");
  assert.equal(run("s3:ListBucket", { "aws:MultiFactorAuthPresent": false }), "ExplicitDeny");
  assert.equal(run("s3:ListBucket", { "aws:MultiFactorAuthPresent": true }), "Allow");
  assert.equal(run("sts:GetSessionToken", {}), "Allow");
});

test("ExternalId (confused deputy): third-party role trust", () => {
  const policy = parsePolicy(
    {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Principal: { AWS: "444455556666" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "Unique ID Assigned by Example Corp" } } },
    },
    { kind: "trust" },
  );
  const run = (caller: string, context: Record<string, string>) =>
    evaluateTrust(policy, { action: "sts:AssumeRole", principal: { type: "AWS", id: caller }, context, tagging: false, sourceIdentity: false }).decision;
  const partner = "arn:aws:sts::444455556666:assumed-role/ExampleCorpRole/worker";
  assert.equal(run(partner, { "sts:ExternalId": "Unique ID Assigned by Example Corp" }), "Allow");
  assert.equal(run(partner, { "sts:ExternalId": "guessed" }), "ImplicitDeny");
  assert.equal(run(partner, {}), "ImplicitDeny");
  assert.equal(run(`arn:aws:iam::${ACCOUNT}:user/mallory`, { "sts:ExternalId": "Unique ID Assigned by Example Corp" }), "ImplicitDeny");
});

test("session tags trust policy (id_session-tags): RequestTag values and TransitiveTagKeys", () => {
  const user = `arn:aws:iam::${ACCOUNT}:user/test-session-tags`;
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AllowIamUserAssumeRole", Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: user } },
      {
        Sid: "AllowPassSessionTagsAndTransitive",
        Effect: "Allow",
        Action: "sts:TagSession",
        Principal: { AWS: user },
        Condition: {
          StringLike: { "aws:RequestTag/Project": "*", "aws:RequestTag/CostCenter": "*" },
          StringEquals: { "aws:RequestTag/Department": ["Engineering", "Marketing"] },
          "ForAllValues:StringEquals": { "sts:TransitiveTagKeys": ["Project", "Department"] },
        },
      },
    ],
  });
  const run = (context: Record<string, string | string[]>) =>
    evaluateTrust(policy, { action: "sts:AssumeRole", principal: { type: "AWS", id: user }, context, tagging: true, sourceIdentity: false });
  const ok = { "aws:RequestTag/Project": "Pegasus", "aws:RequestTag/CostCenter": "98765", "aws:RequestTag/Department": "Engineering", "sts:TransitiveTagKeys": ["Project", "Department"] };
  assert.equal(run(ok).decision, "Allow");
  assert.equal(run({ ...ok, "sts:TransitiveTagKeys": [] }).decision, "Allow");
  const badDept = run({ ...ok, "aws:RequestTag/Department": "Finance" });
  assert.equal(badDept.decision, "ImplicitDeny");
  assert.equal(badDept.failed, "sts:TagSession");
  assert.equal(run({ ...ok, "sts:TransitiveTagKeys": ["Project", "CostCenter"] }).decision, "ImplicitDeny");
  const { "aws:RequestTag/CostCenter": _, ...noCost } = ok;
  assert.equal(run(noCost).decision, "ImplicitDeny");
});

test("aws:TagKeys with ForAllValues allows no tags; add Null to require them", () => {
  const onlyAllowed = { "ForAllValues:StringEquals": { "aws:TagKeys": ["Department", "CostCenter"] } };
  const mk = (condition: object) =>
    parsePolicy({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:TagSession", Condition: condition } });
  const run = (condition: object, tagKeys?: string[]) =>
    evaluate([mk(condition)], { principal: { type: "AWS", id: `arn:aws:iam::${ACCOUNT}:user/a` }, action: "sts:TagSession", context: { "aws:TagKeys": tagKeys } }).decision;
  assert.equal(run(onlyAllowed, ["Department"]), "Allow");
  assert.equal(run(onlyAllowed, ["Department", "CostCenter"]), "Allow");
  assert.equal(run(onlyAllowed, ["Department", "Admin"]), "ImplicitDeny");
  assert.equal(run(onlyAllowed, undefined), "Allow"); // vacuous truth, as AWS warns
  const required = { ...onlyAllowed, Null: { "aws:TagKeys": "false" } };
  assert.equal(run(required, undefined), "ImplicitDeny");
  assert.equal(run(required, ["CostCenter"]), "Allow");
  // ForAnyValue requires at least one of them
  assert.equal(run({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["Department"] } }, ["Department", "Other"]), "Allow");
  assert.equal(run({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["Department"] } }, undefined), "ImplicitDeny");
});

test("aws:PrincipalTag matched against aws:ResourceTag via a variable (ABAC)", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: ["ec2:StartInstances", "ec2:StopInstances"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/Department": "${aws:PrincipalTag/Department}" } } },
  });
  const run = (principalTag: string | undefined, resourceTag: string) =>
    evaluate([policy], { action: "ec2:StartInstances", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`, context: { "aws:PrincipalTag/Department": principalTag, "aws:ResourceTag/Department": resourceTag } }).decision;
  assert.equal(run("engineering", "engineering"), "Allow");
  assert.equal(run("engineering", "finance"), "ImplicitDeny");
  assert.equal(run(undefined, ""), "ImplicitDeny");
});

test("deny outside a network (aws:SourceIp with NotIpAddress), allowing AWS service calls", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "*", Resource: "*" },
      { Effect: "Deny", Action: "*", Resource: "*", Condition: { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"] }, Bool: { "aws:ViaAWSService": "false" } } },
    ],
  });
  const run = (ip: string, via: boolean) => evaluate([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { "aws:SourceIp": ip, "aws:ViaAWSService": via } }).decision;
  assert.equal(run("203.0.113.10", false), "Allow");
  assert.equal(run("198.51.100.1", false), "ExplicitDeny");
  assert.equal(run("198.51.100.1", true), "Allow");
});

test("time window with aws:CurrentTime", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-04-01T00:00:00Z" }, DateLessThan: { "aws:CurrentTime": "2020-06-30T23:59:59Z" } } },
  });
  const run = (now: Date) => evaluate([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { "aws:CurrentTime": now } }).decision;
  assert.equal(run(new Date("2020-05-15T10:00:00Z")), "Allow");
  assert.equal(run(new Date("2020-03-31T23:59:59Z")), "ImplicitDeny");
  assert.equal(run(new Date("2020-07-01T00:00:00Z")), "ImplicitDeny");
});

test("S3 home folders with ${aws:username} (reference_policies_variables)", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket", Condition: { StringLike: { "s3:prefix": ["${aws:username}/*"] } } },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*" },
    ],
  });
  const ctx = { "aws:username": "alice" };
  assert.equal(evaluate([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/alice/a.txt", context: ctx }).decision, "Allow");
  assert.equal(evaluate([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/bob/a.txt", context: ctx }).decision, "ImplicitDeny");
  assert.equal(evaluate([policy], { action: "s3:ListBucket", resource: "arn:aws:s3:::amzn-s3-demo-bucket", context: { ...ctx, "s3:prefix": "alice/docs" } }).decision, "Allow");
  assert.equal(evaluate([policy], { action: "s3:ListBucket", resource: "arn:aws:s3:::amzn-s3-demo-bucket", context: { ...ctx, "s3:prefix": "bob/docs" } }).decision, "ImplicitDeny");
});

test("Google web identity: accounts.google.com:aud", () => {
  const policy = parsePolicy({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Principal: { Federated: "accounts.google.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "accounts.google.com:aud": "66677788899900pro0" } } },
  });
  const run = (aud: string) =>
    evaluate([policy], { principal: { type: "Federated", id: "accounts.google.com" }, action: "sts:AssumeRoleWithWebIdentity", context: { "accounts.google.com:aud": aud } }).decision;
  assert.equal(run("66677788899900pro0"), "Allow");
  assert.equal(run("someone-else"), "ImplicitDeny");
});

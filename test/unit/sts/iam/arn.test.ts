import { test } from "node:test";
import assert from "node:assert/strict";
import {
  arnLike,
  formatArn,
  formatAssumedRoleArn,
  formatOidcProviderArn,
  formatRoleArn,
  formatSamlProviderArn,
  InvalidArn,
  isArn,
  parseArn,
  parseAssumedRoleArn,
  parseOidcProviderArn,
  parseRoleArn,
  parseSamlProviderArn,
} from "../../../../src/sts/iam/index.ts";

test("parseArn splits six components and keeps colons in the resource", () => {
  assert.deepEqual(parseArn("arn:aws:logs:us-east-1:111122223333:log-group:/app:*"), {
    partition: "aws",
    service: "logs",
    region: "us-east-1",
    account: "111122223333",
    resource: "log-group:/app:*",
  });
  assert.deepEqual(parseArn("arn:aws:s3:::bucket/key"), { partition: "aws", service: "s3", region: "", account: "", resource: "bucket/key" });
  assert.equal(parseArn("arn:aws-us-gov:iam::111122223333:root").partition, "aws-us-gov");
});

test("parseArn rejects non-ARNs with InvalidArn", () => {
  for (const bad of ["", "arn", "arn:aws:s3::", "arn:aws:s3:::", "urn:aws:s3:::b", "arn::s3:::b", "arn:aws::::x", "arn:AWS:s3:::b", "role/Admin"]) {
    assert.throws(() => parseArn(bad), InvalidArn, bad);
    assert.equal(isArn(bad), false, bad);
  }
  assert.equal(isArn("arn:aws:s3:::b"), true);
});

test("formatArn round-trips", () => {
  for (const text of ["arn:aws:s3:::bucket/a:b", "arn:aws-cn:iam::111122223333:role/x", "arn:aws:sqs:eu-west-1:111122223333:q"]) {
    assert.equal(formatArn(parseArn(text)), text);
  }
});

test("role ARNs: path and name", () => {
  const rows: [string, { path: string; name: string }][] = [
    ["arn:aws:iam::111122223333:role/Engineer", { path: "/", name: "Engineer" }],
    ["arn:aws:iam::111122223333:role/division/team/Engineer", { path: "/division/team/", name: "Engineer" }],
    ["arn:aws:iam::111122223333:role/service-role/a+b=c,d.e@f-g_h", { path: "/service-role/", name: "a+b=c,d.e@f-g_h" }],
  ];
  for (const [text, want] of rows) {
    const role = parseRoleArn(text);
    assert.deepEqual(role, { partition: "aws", account: "111122223333", ...want });
    assert.equal(formatRoleArn(role), text);
  }
  assert.equal(formatRoleArn({ account: "111122223333", name: "R" }), "arn:aws:iam::111122223333:role/R");
});

test("role ARNs: invalid forms", () => {
  for (const bad of [
    "arn:aws:iam::111122223333:user/Engineer",
    "arn:aws:iam::11112222333:role/Engineer",
    "arn:aws:iam:us-east-1:111122223333:role/Engineer",
    "arn:aws:sts::111122223333:role/Engineer",
    "arn:aws:iam::111122223333:role/",
    "arn:aws:iam::111122223333:role/path/",
    "arn:aws:iam::111122223333:role/bad name",
    `arn:aws:iam::111122223333:role/${"x".repeat(65)}`,
    "arn:aws:iam::111122223333:role//Engineer",
  ]) {
    assert.throws(() => parseRoleArn(bad), InvalidArn, bad);
  }
});

test("assumed-role ARNs", () => {
  const text = "arn:aws:sts::111122223333:assumed-role/Engineer/alice@example.com";
  const s = parseAssumedRoleArn(text);
  assert.deepEqual(s, { partition: "aws", account: "111122223333", roleName: "Engineer", sessionName: "alice@example.com" });
  assert.equal(formatAssumedRoleArn(s), text);
  for (const bad of [
    "arn:aws:iam::111122223333:assumed-role/Engineer/s1",
    "arn:aws:sts::111122223333:assumed-role/Engineer",
    "arn:aws:sts::111122223333:assumed-role/path/Engineer/s1",
    "arn:aws:sts::111122223333:assumed-role/Engineer/x",
    "arn:aws:sts::111122223333:federated-user/Bob",
  ]) {
    assert.throws(() => parseAssumedRoleArn(bad), InvalidArn, bad);
  }
});

test("SAML and OIDC provider ARNs", () => {
  const saml = "arn:aws:iam::111122223333:saml-provider/MyIdP";
  assert.deepEqual(parseSamlProviderArn(saml), { partition: "aws", account: "111122223333", name: "MyIdP" });
  assert.equal(formatSamlProviderArn({ account: "111122223333", name: "MyIdP" }), saml);
  assert.throws(() => parseSamlProviderArn("arn:aws:iam::111122223333:saml-provider/"), InvalidArn);
  assert.throws(() => parseSamlProviderArn("arn:aws:iam::111122223333:oidc-provider/x.example"), InvalidArn);

  const oidc = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
  assert.deepEqual(parseOidcProviderArn(oidc), { partition: "aws", account: "111122223333", url: "token.actions.githubusercontent.com" });
  assert.equal(formatOidcProviderArn({ account: "111122223333", url: "https://token.actions.githubusercontent.com/" }), oidc);
  assert.equal(
    parseOidcProviderArn("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123").url,
    "oidc.eks.us-east-1.amazonaws.com/id/ABC123",
  );
  assert.throws(() => parseOidcProviderArn("arn:aws:iam::111122223333:oidc-provider/"), InvalidArn);
  assert.throws(() => parseOidcProviderArn("arn:aws:iam::111122223333:oidc-provider/host/"), InvalidArn);
});

test("arnLike matches each component separately", () => {
  const rows: [string, string, boolean][] = [
    ["arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/Engineer", true],
    ["arn:aws:iam::111122223333:role/*", "arn:aws:iam::444455556666:role/Engineer", false],
    ["arn:aws:iam::*:role/Engineer", "arn:aws:iam::444455556666:role/Engineer", true],
    // "*" in the account does not spill into the resource
    ["arn:aws:iam::*", "arn:aws:iam::111122223333:role/Engineer", false],
    ["arn:aws:iam::*:*", "arn:aws:iam::111122223333:role/Engineer", true],
    ["arn:*:*:*:*:*", "arn:aws:s3:::b/k", true],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", true],
    ["arn:aws:s3:::b/?", "arn:aws:s3:::b/x", true],
    ["arn:aws:s3:::b/?", "arn:aws:s3:::b/xy", false],
    ["arn:aws:logs:us-east-1:111122223333:log-group:*", "arn:aws:logs:us-east-1:111122223333:log-group:/a:log-stream:x", true],
    ["arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-west-1:111122223333:instance/i-1", true],
    ["arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-west-2:111122223333:instance/i-1", false],
    ["arn:aws:ec2:us-?ast-1:*:*", "arn:aws:ec2:us-east-1:111122223333:x", true],
    // case-sensitive
    ["arn:aws:iam::111122223333:role/engineer", "arn:aws:iam::111122223333:role/Engineer", false],
    ["arn:aws:IAM::111122223333:role/Engineer", "arn:aws:iam::111122223333:role/Engineer", false],
    // value that is not an ARN
    ["arn:aws:iam::*:*", "not-an-arn", false],
    ["*", "anything", true],
  ];
  for (const [pattern, value, want] of rows) assert.equal(arnLike(pattern, value), want, `${pattern} ~ ${value}`);
});

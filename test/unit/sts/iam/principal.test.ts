import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate, parsePolicy, type RequestPrincipal } from "../../../../src/sts/iam/index.ts";

const trustWith = (key: "Principal" | "NotPrincipal", principal: unknown) =>
  parsePolicy({ Version: "2012-10-17", Statement: { Effect: "Allow", [key]: principal, Action: "sts:AssumeRole" } });

const allowed = (principal: unknown, who: RequestPrincipal | undefined, key: "Principal" | "NotPrincipal" = "Principal") =>
  evaluate([trustWith(key, principal)], { principal: who, action: "sts:AssumeRole", context: {} }).decision === "Allow";

const aws = (id: string): RequestPrincipal => ({ type: "AWS", id });
const ROLE_SESSION = aws("arn:aws:sts::111122223333:assumed-role/Engineer/alice");
const USER = aws("arn:aws:iam::111122223333:user/division/alice");
const ROOT = aws("arn:aws:iam::111122223333:root");
const OTHER = aws("arn:aws:iam::444455556666:user/mallory");
const SAML: RequestPrincipal = { type: "Federated", id: "arn:aws:iam::111122223333:saml-provider/ExampleIdP" };
const GOOGLE: RequestPrincipal = { type: "Federated", id: "accounts.google.com" };
const EC2: RequestPrincipal = { type: "Service", id: "ec2.amazonaws.com" };
const ANON: RequestPrincipal = { type: "*", id: "*" };

test('"*" and {"AWS": "*"} match every principal', () => {
  for (const who of [ROLE_SESSION, USER, ROOT, OTHER, SAML, GOOGLE, EC2, ANON, undefined]) {
    assert.equal(allowed("*", who), true, JSON.stringify(who));
    assert.equal(allowed({ AWS: "*" }, who), true, JSON.stringify(who));
  }
});

test("an account ID or :root ARN matches every principal of that account", () => {
  for (const p of ["111122223333", "arn:aws:iam::111122223333:root"]) {
    assert.equal(allowed({ AWS: p }, ROLE_SESSION), true, p);
    assert.equal(allowed({ AWS: p }, USER), true, p);
    assert.equal(allowed({ AWS: p }, ROOT), true, p);
    assert.equal(allowed({ AWS: p }, aws("111122223333")), true, p);
    assert.equal(allowed({ AWS: p }, aws("arn:aws:sts::111122223333:federated-user/Bob")), true, p);
    assert.equal(allowed({ AWS: p }, OTHER), false, p);
    assert.equal(allowed({ AWS: p }, aws("arn:aws-cn:iam::111122223333:user/alice")), p === "111122223333", p);
    // the account is an AWS principal: federated and service principals do not belong to it
    assert.equal(allowed({ AWS: p }, SAML), false, p);
  }
});

test("user and role ARNs; a role ARN also matches its sessions", () => {
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:user/division/alice" }, USER), true);
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:user/alice" }, USER), false);
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:role/Engineer" }, aws("arn:aws:iam::111122223333:role/Engineer")), true);
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:role/Engineer" }, ROLE_SESSION), true);
  // the session ARN carries no path; the role name decides
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:role/teams/Engineer" }, ROLE_SESSION), true);
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:role/Engineers" }, ROLE_SESSION), false);
  assert.equal(allowed({ AWS: "arn:aws:iam::444455556666:role/Engineer" }, ROLE_SESSION), false);
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:role/Engineer" }, USER), false);
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:role/Engineer" }, ROOT), false);
  // a user ARN does not stand for the account
  assert.equal(allowed({ AWS: "arn:aws:iam::111122223333:user/division/alice" }, ROOT), false);
});

test("assumed-role session ARNs match exactly", () => {
  const p = { AWS: "arn:aws:sts::111122223333:assumed-role/Engineer/alice" };
  assert.equal(allowed(p, ROLE_SESSION), true);
  assert.equal(allowed(p, aws("arn:aws:sts::111122223333:assumed-role/Engineer/bob")), false);
  assert.equal(allowed(p, aws("arn:aws:iam::111122223333:role/Engineer")), false);
});

test("Federated matches the provider ARN or provider name exactly", () => {
  assert.equal(allowed({ Federated: "arn:aws:iam::111122223333:saml-provider/ExampleIdP" }, SAML), true);
  assert.equal(allowed({ Federated: "arn:aws:iam::111122223333:saml-provider/OtherIdP" }, SAML), false);
  assert.equal(allowed({ Federated: "accounts.google.com" }, GOOGLE), true);
  assert.equal(allowed({ Federated: "accounts.google.com" }, { type: "Federated", id: "cognito-identity.amazonaws.com" }), false);
  assert.equal(allowed({ Federated: ["cognito-identity.amazonaws.com", "accounts.google.com"] }, GOOGLE), true);
  // the account does not imply its providers, and AWS principals are not federated
  assert.equal(allowed({ AWS: "111122223333" }, SAML), false);
  assert.equal(allowed({ Federated: "arn:aws:iam::111122223333:saml-provider/ExampleIdP" }, aws("arn:aws:iam::111122223333:saml-provider/ExampleIdP")), false);
  assert.equal(allowed({ Federated: "accounts.google.com" }, undefined), false);
});

test("Service principals", () => {
  assert.equal(allowed({ Service: "ec2.amazonaws.com" }, EC2), true);
  assert.equal(allowed({ Service: ["lambda.amazonaws.com"] }, EC2), false);
  assert.equal(allowed({ Service: "ec2.amazonaws.com" }, aws("ec2.amazonaws.com")), false);
  assert.equal(allowed({ AWS: "111122223333", Service: "ec2.amazonaws.com" }, EC2), true);
  assert.equal(allowed({ AWS: "111122223333", Service: "ec2.amazonaws.com" }, USER), true);
  assert.equal(allowed({ AWS: "111122223333", Service: "ec2.amazonaws.com" }, OTHER), false);
});

test("anonymous requests match only the wildcard", () => {
  assert.equal(allowed({ AWS: "111122223333" }, ANON), false);
  assert.equal(allowed({ AWS: "111122223333" }, undefined), false);
  assert.equal(allowed({ CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" }, ANON), false);
});

test("NotPrincipal matches every principal not listed", () => {
  const p = { AWS: ["arn:aws:iam::111122223333:user/division/alice", "arn:aws:iam::111122223333:role/Engineer"] };
  assert.equal(allowed(p, USER, "NotPrincipal"), false);
  assert.equal(allowed(p, ROLE_SESSION, "NotPrincipal"), false);
  assert.equal(allowed(p, OTHER, "NotPrincipal"), true);
  assert.equal(allowed(p, SAML, "NotPrincipal"), true);
  assert.equal(allowed(p, undefined, "NotPrincipal"), true);
  assert.equal(allowed({ AWS: "111122223333" }, ROOT, "NotPrincipal"), false);
  assert.equal(allowed("*", OTHER, "NotPrincipal"), false);
});

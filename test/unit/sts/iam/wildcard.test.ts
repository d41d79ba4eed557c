import { test } from "node:test";
import assert from "node:assert/strict";
import { globMatch } from "../../../../src/sts/iam/index.ts";
import { decide } from "./helpers.ts";

test("globMatch: * and ? edge cases", () => {
  const rows: [string, string, boolean][] = [
    ["*", "", true],
    ["*", "anything at all", true],
    ["a*", "a", true],
    ["a*", "ab/c:d", true],
    ["*a", "bca", true],
    ["*a", "bcab", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "a-b-b-c", true],
    ["a*b*c", "a-c-b", false],
    ["?", "", false],
    ["?", "x", true],
    ["??", "x", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["**", "", true],
    ["*?*", "", false],
    ["*?*", "z", true],
    // regex metacharacters are literal
    ["a.c", "abc", false],
    ["a.c", "a.c", true],
    ["(a|b)+", "(a|b)+", true],
    ["(a|b)+", "a", false],
    ["[ab]", "a", false],
    ["x^$\\y", "x^$\\y", true],
    ["a-b/c", "a-b/c", true],
    // "?" is one character, not one UTF-16 unit; "*" spans line breaks
    ["a?b", "a😀b", true],
    ["a*b", "a\nb", true],
    // case-sensitive by default
    ["ABC", "abc", false],
  ];
  for (const [pattern, value, want] of rows) assert.equal(globMatch(pattern, value), want, `${pattern} ~ ${JSON.stringify(value)}`);
});

test("globMatch ignoreCase", () => {
  assert.equal(globMatch("S3:Get*", "s3:getobject", { ignoreCase: true }), true);
  assert.equal(globMatch("S3:Get*", "s3:getobject"), false);
  assert.equal(globMatch("STS:ASSUMEROLE", "sts:AssumeRole", { ignoreCase: true }), true);
});

const policy = (action: unknown, extra: object = {}) => ({
  Version: "2012-10-17",
  Statement: { Effect: "Allow", Action: action, Resource: "*", ...extra },
});

test("Action matching is case-insensitive with wildcards", () => {
  const rows: [unknown, string, string][] = [
    ["sts:AssumeRole", "sts:AssumeRole", "Allow"],
    ["sts:assumerole", "STS:AssumeRole", "Allow"],
    ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "ImplicitDeny"],
    ["sts:AssumeRole*", "sts:AssumeRoleWithSAML", "Allow"],
    ["sts:*", "sts:TagSession", "Allow"],
    ["sts:*", "s3:GetObject", "ImplicitDeny"],
    ["*", "anything:Here", "Allow"],
    ["s3:Get?bject", "s3:GetObject", "Allow"],
    ["s3:Get?bject", "s3:GetObjectAcl", "ImplicitDeny"],
    [["s3:PutObject", "s3:Get*"], "s3:GetObjectAcl", "Allow"],
    [["s3:PutObject", "s3:Get*"], "s3:ListBucket", "ImplicitDeny"],
    ["iam:*", "s3:GetObject", "ImplicitDeny"],
    // the vendor is matched too: "s3*" is not "s3"
    ["s*:GetObject", "s3:GetObject", "Allow"],
    ["ec2:*", "ec2messages:Send", "ImplicitDeny"],
  ];
  for (const [action, requested, want] of rows) {
    assert.equal(decide(policy(action), { action: requested, resource: "arn:aws:s3:::b" }), want, `${JSON.stringify(action)} vs ${requested}`);
  }
});

test("NotAction matches every action not listed", () => {
  assert.equal(decide(policy(undefined, { NotAction: "iam:*" }), { action: "s3:GetObject" }), "Allow");
  assert.equal(decide(policy(undefined, { NotAction: "iam:*" }), { action: "IAM:CreateUser" }), "ImplicitDeny");
  assert.equal(decide(policy(undefined, { NotAction: ["iam:*", "sts:*"] }), { action: "sts:AssumeRole" }), "ImplicitDeny");
});

const withResource = (key: "Resource" | "NotResource", value: unknown) => ({
  Version: "2012-10-17",
  Statement: { Effect: "Allow", Action: "s3:*", [key]: value },
});

test("Resource matching is case-sensitive with wildcards per component", () => {
  const rows: [unknown, string | undefined, string][] = [
    ["*", "arn:aws:s3:::b/k", "Allow"],
    ["*", undefined, "Allow"],
    ["arn:aws:s3:::b/*", undefined, "ImplicitDeny"],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "Allow"],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c.txt", "Allow"],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b", "ImplicitDeny"],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::B/k", "ImplicitDeny"],
    ["arn:aws:s3:::b", "arn:aws:s3:::b", "Allow"],
    ["arn:aws:s3:::b", "arn:aws:s3:::bb", "ImplicitDeny"],
    ["arn:aws:s3:::b?", "arn:aws:s3:::bb", "Allow"],
    ["arn:aws:s3:::*", "arn:aws:s3:::any/key", "Allow"],
    ["arn:aws:s3:::*", "arn:aws:sqs:us-east-1:111122223333:q", "ImplicitDeny"],
    ["arn:aws:dynamodb:*:111122223333:table/T", "arn:aws:dynamodb:eu-west-1:111122223333:table/T", "Allow"],
    ["arn:aws:dynamodb:*:111122223333:table/T", "arn:aws:dynamodb:eu-west-1:444455556666:table/T", "ImplicitDeny"],
    [["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"], "arn:aws:s3:::b/x", "Allow"],
  ];
  for (const [resource, requested, want] of rows) {
    assert.equal(decide(withResource("Resource", resource), { action: "s3:GetObject", resource: requested }), want, `${JSON.stringify(resource)} vs ${requested}`);
  }
});

test("NotResource matches every resource not listed", () => {
  const p = withResource("NotResource", "arn:aws:s3:::secret/*");
  assert.equal(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::public/k" }), "Allow");
  assert.equal(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::secret/k" }), "ImplicitDeny");
  assert.equal(decide(p, { action: "s3:ListAllMyBuckets" }), "Allow");
  assert.equal(decide(withResource("NotResource", "*"), { action: "s3:ListAllMyBuckets" }), "ImplicitDeny");
});

test("no catastrophic backtracking on attacker-sized values", () => {
  const started = performance.now();
  assert.equal(globMatch("*a*a*a*a*a*a*a*a*b", "a".repeat(20_000)), false);
  assert.equal(globMatch("*a*a*a*a*a*a*a*a*b", `${"a".repeat(20_000)}b`), true);
  assert.equal(globMatch("*?*?*?*?*x", "y".repeat(20_000), { ignoreCase: true }), false);
  assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
});

test("agrees with a reference regular expression on random short inputs", () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pick = (alphabet: string, max: number) => Array.from({ length: rand(max + 1) }, () => alphabet[rand(alphabet.length)]).join("");
  for (let i = 0; i < 20_000; i++) {
    const pattern = pick("ab*?", 6);
    const value = pick("abAB", 7);
    const ignoreCase = rand(2) === 1;
    const body = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c)).join("");
    const want = new RegExp(`^${body}$`, ignoreCase ? "i" : "").test(value);
    assert.equal(globMatch(pattern, value, { ignoreCase }), want, `${pattern} ~ ${value} (ignoreCase ${ignoreCase})`);
  }
});

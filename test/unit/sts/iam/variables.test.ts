import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate, parsePolicy } from "../../../../src/sts/iam/index.ts";
import { holds } from "./helpers.ts";

const bucketPolicy = (resource: string, version = "2012-10-17") =>
  parsePolicy({ Version: version, Statement: { Effect: "Allow", Action: "s3:*", Resource: resource } });

const allowed = (resource: string, requested: string, context: Record<string, string | string[]>, version?: string) =>
  evaluate([bucketPolicy(resource, version)], { action: "s3:GetObject", resource: requested, context }).decision === "Allow";

test("${aws:username} in Resource", () => {
  const r = "arn:aws:s3:::home/${aws:username}/*";
  assert.equal(allowed(r, "arn:aws:s3:::home/alice/notes.txt", { "aws:username": "alice" }), true);
  assert.equal(allowed(r, "arn:aws:s3:::home/bob/notes.txt", { "aws:username": "alice" }), false);
  // key names are case-insensitive, in the variable and in the context
  assert.equal(allowed("arn:aws:s3:::home/${AWS:UserName}/*", "arn:aws:s3:::home/alice/x", { "aws:username": "alice" }), true);
  assert.equal(allowed(r, "arn:aws:s3:::home/alice/x", { "AWS:USERNAME": "alice" }), true);
});

test("variables are literal text with Version 2008-10-17 (or no Version)", () => {
  const r = "arn:aws:s3:::home/${aws:username}/*";
  assert.equal(allowed(r, "arn:aws:s3:::home/alice/x", { "aws:username": "alice" }, "2008-10-17"), false);
  assert.equal(allowed(r, "arn:aws:s3:::home/${aws:username}/x", {}, "2008-10-17"), true);
  const noVersion = parsePolicy({ Statement: { Effect: "Allow", Action: "s3:*", Resource: r } });
  assert.equal(noVersion.version, "2008-10-17");
  assert.equal(evaluate([noVersion], { action: "s3:GetObject", resource: "arn:aws:s3:::home/alice/x", context: { "aws:username": "alice" } }).decision, "ImplicitDeny");
});

test("an unresolved variable without default makes the statement not apply", () => {
  const r = "arn:aws:s3:::home/${aws:username}/*";
  assert.equal(allowed(r, "arn:aws:s3:::home//x", {}), false);
  assert.equal(allowed(r, "arn:aws:s3:::home/${aws:username}/x", {}), false);
  // Deny statements are skipped too (then nothing denies)
  const deny = parsePolicy({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:*", Resource: "*" },
      { Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::home/${aws:username}/*" },
    ],
  });
  const e = evaluate([deny], { action: "s3:GetObject", resource: "arn:aws:s3:::home/alice/x", context: {} });
  assert.equal(e.decision, "Allow");
  assert.ok(e.explanation.some((l) => l.includes("${aws:username}") && l.includes("does not apply")), e.explanation.join("\n"));
  // …also inside a negated condition, which would otherwise hold for a missing key
  assert.equal(holds({ StringNotEquals: { "aws:PrincipalTag/team": "${aws:username}" } }, {}), false);
});

test("multivalued keys cannot be policy variables", () => {
  assert.equal(allowed("arn:aws:s3:::t/${aws:TagKeys}/*", "arn:aws:s3:::t/a/x", { "aws:TagKeys": ["a", "b"] }), false);
});

test("defaults: ${key, 'default'}", () => {
  const r = "arn:aws:s3:::shared/${aws:PrincipalTag/team, 'company-wide'}/*";
  assert.equal(allowed(r, "arn:aws:s3:::shared/company-wide/x", {}), true);
  assert.equal(allowed(r, "arn:aws:s3:::shared/finance/x", { "aws:PrincipalTag/team": "finance" }), true);
  assert.equal(allowed(r, "arn:aws:s3:::shared/company-wide/x", { "aws:PrincipalTag/team": "finance" }), false);
  // default values may contain "}" and ","
  assert.equal(allowed("arn:aws:s3:::s/${aws:x,'a},b'}/*", "arn:aws:s3:::s/a},b/k", {}), true);
  // empty default
  assert.equal(allowed("arn:aws:s3:::s/${aws:x, ''}*", "arn:aws:s3:::s/k", {}), true);
});

test("escapes ${*} ${?} ${$} are literal characters, not wildcards", () => {
  assert.equal(allowed("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", {}), true);
  assert.equal(allowed("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/anything", {}), false);
  assert.equal(allowed("arn:aws:s3:::b/${?}", "arn:aws:s3:::b/?", {}), true);
  assert.equal(allowed("arn:aws:s3:::b/${?}", "arn:aws:s3:::b/x", {}), false);
  assert.equal(allowed("arn:aws:s3:::b/${$}{x}", "arn:aws:s3:::b/${x}", {}), true);
});

test("substituted values are literal even if they contain wildcards", () => {
  const r = "arn:aws:s3:::home/${aws:username}/*";
  assert.equal(allowed(r, "arn:aws:s3:::home/alice/x", { "aws:username": "*" }), false);
  assert.equal(allowed(r, "arn:aws:s3:::home/*/x", { "aws:username": "*" }), true);
  assert.equal(holds({ StringLike: { "s3:prefix": "${aws:username}/*" } }, { "s3:prefix": "bob/x", "aws:username": "?ob" }), false);
  assert.equal(holds({ StringLike: { "s3:prefix": "${aws:username}/*" } }, { "s3:prefix": "?ob/x", "aws:username": "?ob" }), true);
});

test("a variable value containing ':' does not shift ARN components", () => {
  const r = "arn:aws:s3:::home/${saml:sub}/*";
  assert.equal(allowed(r, "arn:aws:s3:::home/a:b/x", { "saml:sub": "a:b" }), true);
  assert.equal(
    holds({ ArnLike: { "aws:SourceArn": "arn:aws:sqs:${aws:RequestedRegion}:111122223333:*" } }, { "aws:RequestedRegion": "us-east-1", "aws:SourceArn": "arn:aws:sqs:us-east-1:111122223333:q" }),
    true,
  );
});

test("variables in string conditions: provider keys, principal tags", () => {
  assert.equal(holds({ StringEquals: { "s3:prefix": "${www.amazon.com:user_id}" } }, { "s3:prefix": "amzn1.account.X", "www.amazon.com:user_id": "amzn1.account.X" }), true);
  assert.equal(holds({ StringEquals: { "s3:prefix": "${www.amazon.com:user_id}" } }, { "s3:prefix": "other", "www.amazon.com:user_id": "amzn1.account.X" }), false);
  assert.equal(holds({ StringEquals: { "aws:ResourceTag/Department": "${aws:PrincipalTag/Department}" } }, { "aws:ResourceTag/Department": "eng", "aws:PrincipalTag/Department": "eng" }), true);
  assert.equal(holds({ StringEquals: { "aws:ResourceTag/Department": "${aws:PrincipalTag/Department}" } }, { "aws:ResourceTag/Department": "eng", "aws:PrincipalTag/Department": "ops" }), false);
  assert.equal(holds({ StringEqualsIgnoreCase: { "x:k": "${saml:sub}" } }, { "x:k": "ALICE", "saml:sub": "alice" }), true);
  // Date values interpolate as ISO 8601
  assert.equal(holds({ StringEquals: { "x:k": "${aws:CurrentTime}" } }, { "x:k": "2024-01-02T03:04:05.000Z", "aws:CurrentTime": new Date("2024-01-02T03:04:05Z") } as never), true);
});

test("variables are not interpolated in numeric, date or bool conditions", () => {
  assert.equal(holds({ NumericEquals: { "x:n": "${x:m}" } }, { "x:n": "5", "x:m": "5" }), false);
  assert.equal(holds({ Bool: { "x:b": "${x:m}" } }, { "x:b": "true", "x:m": "true" }), false);
});

test("text that is not variable syntax stays literal", () => {
  assert.equal(allowed("arn:aws:s3:::b/${unterminated", "arn:aws:s3:::b/${unterminated", {}), true);
  assert.equal(allowed("arn:aws:s3:::b/${not valid}", "arn:aws:s3:::b/${not valid}", {}), true);
});

test("a pattern without wildcards still resolves its variables (plain text is matched directly)", () => {
  const exact = "arn:aws:s3:::home/${aws:username}";
  assert.equal(allowed(exact, "arn:aws:s3:::home/alice", { "aws:username": "alice" }), true);
  assert.equal(allowed(exact, "arn:aws:s3:::home/${aws:username}", { "aws:username": "alice" }), false);
  assert.equal(allowed(exact, "arn:aws:s3:::home/${aws:username}", {}, "2008-10-17"), true);
  assert.equal(allowed("arn:aws:s3:::home/alice", "arn:aws:s3:::home/alice", {}), true);
  assert.equal(allowed("arn:aws:s3:::home/alice", "arn:aws:s3:::home/Alice", {}), false, "resources are case-sensitive");
  const equalsUser = parsePolicy({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "s3:prefix": "${aws:username}" } } },
  });
  const decide = (context: Record<string, string>) => evaluate([equalsUser], { action: "s3:GetObject", resource: "arn:aws:s3:::b", context }).decision;
  assert.equal(decide({ "aws:username": "alice", "s3:prefix": "alice" }), "Allow");
  assert.equal(decide({ "aws:username": "alice", "s3:prefix": "${aws:username}" }), "ImplicitDeny");
});

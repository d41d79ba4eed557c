import { test } from "node:test";
import assert from "node:assert/strict";
import { MalformedPolicyDocument, parsePolicy, type PolicyKind } from "../../../../src/sts/iam/index.ts";
import { DomainError } from "../../../../src/errors.ts";

const stmt = (s: object) => ({ Version: "2012-10-17", Statement: s });
const allow = { Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
const trust = { Effect: "Allow", Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/IdP" }, Action: "sts:AssumeRoleWithSAML" };

test("parses a full statement into the typed form", () => {
  const p = parsePolicy(
    JSON.stringify({
      Version: "2012-10-17",
      Id: "p1",
      Statement: [
        {
          Sid: "One",
          Effect: "Deny",
          NotPrincipal: { AWS: ["111122223333", "arn:aws:iam::111122223333:role/R"], Service: "ec2.amazonaws.com" },
          NotAction: "iam:*",
          NotResource: ["arn:aws:s3:::b/*"],
          Condition: {
            "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*", "b"] },
            NumericLessThan: { "s3:max-keys": 10 },
            Bool: { "aws:SecureTransport": false },
          },
        },
      ],
    }),
  );
  assert.deepEqual(p, {
    version: "2012-10-17",
    id: "p1",
    statements: [
      {
        sid: "One",
        effect: "Deny",
        principal: { negated: true, value: { AWS: ["111122223333", "arn:aws:iam::111122223333:role/R"], Service: ["ec2.amazonaws.com"] } },
        action: { negated: true, value: ["iam:*"] },
        resource: { negated: true, value: ["arn:aws:s3:::b/*"] },
        conditions: [
          { operator: "ForAnyValue:StringLikeIfExists", base: "StringLike", set: "ForAnyValue", ifExists: true, key: "aws:TagKeys", values: ["a*", "b"] },
          { operator: "NumericLessThan", base: "NumericLessThan", set: undefined, ifExists: false, key: "s3:max-keys", values: ["10"] },
          { operator: "Bool", base: "Bool", set: undefined, ifExists: false, key: "aws:SecureTransport", values: ["false"] },
        ],
      },
    ],
  });
});

test("Statement may be a single object or an array; Principal may be \"*\"", () => {
  assert.equal(parsePolicy(stmt(allow)).statements.length, 1);
  assert.equal(parsePolicy(stmt([allow, { ...allow, Effect: "Deny" }])).statements.length, 2);
  assert.equal(parsePolicy(stmt({ ...trust, Principal: "*" })).statements[0]!.principal!.value, "*");
  assert.equal(parsePolicy({ Version: "2008-10-17", Statement: allow }).version, "2008-10-17");
});

test("accepts the principal forms AWS documents", () => {
  for (const principal of [
    { AWS: "*" },
    { AWS: "111122223333" },
    { AWS: "arn:aws:iam::111122223333:root" },
    { AWS: "arn:aws:iam::111122223333:user/path/alice" },
    { AWS: "arn:aws:iam::111122223333:role/R" },
    { AWS: "arn:aws:sts::111122223333:assumed-role/R/session" },
    { AWS: "arn:aws:sts::111122223333:federated-user/Bob" },
    { Federated: "arn:aws:iam::111122223333:saml-provider/ExampleIdP" },
    { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
    { Federated: "accounts.google.com" },
    { Federated: "cognito-identity.amazonaws.com" },
    { Federated: "www.amazon.com" },
    { Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] },
    { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" },
  ]) {
    assert.doesNotThrow(() => parsePolicy(stmt({ ...trust, Principal: principal }), { kind: "trust" }), JSON.stringify(principal));
  }
});

const malformed: [name: string, doc: unknown, message: string | RegExp, kind?: PolicyKind][] = [
  ["JSON syntax error", '{"Version":"2012-10-17",', "Syntax errors in policy."],
  ["not an object", "[]", "Syntax errors in policy."],
  ["a JSON string", '"hello"', "Syntax errors in policy."],
  ["null", null, "Syntax errors in policy."],
  ["unknown top-level field", { ...stmt(allow), Foo: 1 }, "Unknown field Foo"],
  ["unknown statement field", stmt({ ...allow, Foo: 1 }), "Unknown field Foo"],
  ["lower-case field name", stmt({ effect: "Allow", Action: "s3:*", Resource: "*" }), "Unknown field effect"],
  ["bad Version", { Version: "2012-10-18", Statement: allow }, "The policy failed legacy parsing"],
  ["numeric Version", { Version: 2012, Statement: allow }, "The policy failed legacy parsing"],
  ["non-string Id", { Version: "2012-10-17", Id: 5, Statement: allow }, "Syntax errors in policy."],
  ["missing Statement", { Version: "2012-10-17" }, "Missing required field Statement"],
  ["empty Statement", stmt([]), /^Syntax errors in policy\./],
  ["Statement not an object", stmt(["x"]), "Syntax errors in policy."],
  ["missing Effect", stmt({ Action: "s3:*", Resource: "*" }), "Missing required field Effect"],
  ["bad Effect", stmt({ ...allow, Effect: "Permit" }), "Invalid effect: Permit"],
  ["lower-case Effect", stmt({ ...allow, Effect: "allow" }), "Invalid effect: allow"],
  ["missing Action", stmt({ Effect: "Allow", Resource: "*" }), "Policy statement must contain actions."],
  ["both Action and NotAction", stmt({ ...allow, NotAction: "iam:*" }), /both Action and NotAction/],
  ["empty Action list", stmt({ ...allow, Action: [] }), /^Syntax errors in policy\. Action/],
  ["non-string Action", stmt({ ...allow, Action: [1] }), /^Syntax errors in policy\. Action/],
  ["Action without vendor", stmt({ ...allow, Action: "GetObject" }), /^Actions\/Conditions must be prefaced by a vendor/],
  ["Action with blank", stmt({ ...allow, Action: "s3:Get Object" }), /^Actions\/Conditions must be prefaced by a vendor/],
  ["both Resource and NotResource", stmt({ ...allow, NotResource: "*" }), /both Resource and NotResource/],
  ["Resource not an ARN", stmt({ ...allow, Resource: "my-bucket" }), 'Resource my-bucket must be in ARN format or "*".'],
  ["Resource with too few components", stmt({ ...allow, Resource: "arn:aws:s3:*" }), 'Resource arn:aws:s3:* must be in ARN format or "*".'],
  ["both Principal and NotPrincipal", stmt({ ...trust, NotPrincipal: "*" }), /both Principal and NotPrincipal/],
  ["Principal string other than *", stmt({ ...trust, Principal: "111122223333" }), 'Invalid principal in policy: "111122223333"'],
  ["Principal unknown type", stmt({ ...trust, Principal: { User: "x" } }), 'Invalid principal in policy: "User":"x"'],
  ["Principal empty object", stmt({ ...trust, Principal: {} }), "Syntax errors in policy."],
  ["Principal partial wildcard", stmt({ ...trust, Principal: { AWS: "arn:aws:iam::111122223333:role/*" } }), 'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:role/*"'],
  ["Principal bad account", stmt({ ...trust, Principal: { AWS: "12345" } }), 'Invalid principal in policy: "AWS":"12345"'],
  ["Principal non-IAM ARN", stmt({ ...trust, Principal: { AWS: "arn:aws:s3:::bucket" } }), /Invalid principal in policy/],
  ["Federated not a provider", stmt({ ...trust, Principal: { Federated: "not a provider" } }), /Invalid principal in policy: "Federated"/],
  ["Federated wrong ARN type", stmt({ ...trust, Principal: { Federated: "arn:aws:iam::111122223333:role/R" } }), /Invalid principal in policy: "Federated"/],
  ["Service bad", stmt({ ...trust, Principal: { Service: "ec2" } }), /Invalid principal in policy: "Service"/],
  ["CanonicalUser bad", stmt({ ...trust, Principal: { CanonicalUser: "abc" } }), /Invalid principal in policy: "CanonicalUser"/],
  ["Condition not an object", stmt({ ...allow, Condition: "x" }), /^Syntax errors in policy\. Condition/],
  ["unknown operator", stmt({ ...allow, Condition: { StringEqualz: { "aws:username": "a" } } }), "Invalid Condition operator StringEqualz"],
  ["operator case", stmt({ ...allow, Condition: { stringequals: { "aws:username": "a" } } }), "Invalid Condition operator stringequals"],
  ["inherited property name as operator", stmt({ ...allow, Condition: { toString: { "aws:username": "a" } } }), "Invalid Condition operator toString"],
  ["inherited property name as principal type", stmt({ ...trust, Principal: { constructor: "x" } }), 'Invalid principal in policy: "constructor":"x"'],
  ["NullIfExists", stmt({ ...allow, Condition: { NullIfExists: { "aws:username": "true" } } }), "Invalid Condition operator NullIfExists"],
  ["bad set prefix", stmt({ ...allow, Condition: { "ForSomeValues:StringEquals": { "aws:TagKeys": "a" } } }), "Invalid Condition operator ForSomeValues:StringEquals"],
  ["operator block not an object", stmt({ ...allow, Condition: { StringEquals: "a" } }), /^Syntax errors in policy\./],
  ["empty operator block", stmt({ ...allow, Condition: { StringEquals: {} } }), /^Syntax errors in policy\./],
  ["condition key without vendor", stmt({ ...allow, Condition: { StringEquals: { username: "a" } } }), /^Actions\/Conditions must be prefaced by a vendor/],
  ["condition value object", stmt({ ...allow, Condition: { StringEquals: { "aws:username": { a: 1 } } } }), /^Syntax errors in policy\. Invalid value/],
  ["condition value null", stmt({ ...allow, Condition: { StringEquals: { "aws:username": null } } }), /^Syntax errors in policy\. Invalid value/],
  ["condition value empty list", stmt({ ...allow, Condition: { StringEquals: { "aws:username": [] } } }), /^Syntax errors in policy\. Invalid value/],
  ["non-string Sid", stmt({ ...allow, Sid: 1 }), "Syntax errors in policy."],
  ["duplicate Sid", stmt([{ ...allow, Sid: "A" }, { ...allow, Sid: "A" }]), "Statement IDs (SID) in a single policy must be unique."],
  ["non-alphanumeric Sid in IAM policy", stmt({ ...allow, Sid: "my sid" }), /^Statement IDs \(SID\) must be alpha-numeric/, "identity"],
  ["trust policy without Principal", stmt({ Effect: "Allow", Action: "sts:AssumeRole" }), "Missing required field Principal", "trust"],
  ["trust policy with Resource", stmt({ ...trust, Resource: "*" }), "Has prohibited field Resource", "trust"],
  ["trust policy with NotResource", stmt({ ...trust, NotResource: "*" }), "Has prohibited field NotResource", "trust"],
  ["identity policy with Principal", stmt({ ...allow, Principal: "*" }), "Policy document should not specify a principal.", "identity"],
  ["identity policy without Resource", stmt({ Effect: "Allow", Action: "s3:*" }), "Policy statement must contain resources.", "identity"],
];

for (const [name, doc, message, kind] of malformed) {
  test(`MalformedPolicyDocument: ${name}`, () => {
    assert.throws(
      () => parsePolicy(doc, { kind }),
      (err: unknown) => {
        assert.ok(err instanceof MalformedPolicyDocument, `not MalformedPolicyDocument: ${String(err)}`);
        assert.ok(err instanceof DomainError);
        assert.equal(err.code, "MalformedPolicyDocument");
        assert.equal(err.status, 400);
        if (typeof message === "string") assert.equal(err.message, message);
        else assert.match(err.message, message);
        return true;
      },
    );
  });
}

test("kind-specific rules do not apply to other kinds", () => {
  assert.doesNotThrow(() => parsePolicy(stmt({ ...allow, Sid: "my sid" })));
  assert.doesNotThrow(() => parsePolicy(stmt({ Effect: "Allow", Action: "sts:AssumeRole" })));
  assert.doesNotThrow(() => parsePolicy(stmt({ ...trust, Resource: "*" })));
  assert.doesNotThrow(() => parsePolicy(stmt({ ...trust, Resource: "*" }), { kind: "any" }));
  assert.doesNotThrow(() => parsePolicy(stmt(trust), { kind: "trust" }));
  assert.doesNotThrow(() => parsePolicy(stmt(allow), { kind: "identity" }));
  // empty Sids are not duplicates of each other
  assert.doesNotThrow(() => parsePolicy(stmt([{ ...allow, Sid: "" }, { ...allow, Sid: "" }])));
});

test("fuzz: random mutations of a valid policy never crash with a generic error", () => {
  const base = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "A", ...trust, Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } } }],
  });
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const junk = ['"', "{", "}", "[", "]", ",", ":", "1", "null", "true", '"x"', " "];
  for (let i = 0; i < 3000; i++) {
    const chars = [...base];
    for (let k = 0; k <= rand(3); k++) chars.splice(rand(chars.length), rand(3), junk[rand(junk.length)]!);
    try {
      parsePolicy(chars.join(""));
    } catch (err) {
      assert.ok(err instanceof MalformedPolicyDocument, `${chars.join("")} → ${String(err)}`);
    }
  }
});

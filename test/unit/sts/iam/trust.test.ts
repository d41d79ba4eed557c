import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateTrust, parsePolicy, type RequestPrincipal } from "../../../../src/sts/iam/index.ts";

const IDP: RequestPrincipal = { type: "Federated", id: "arn:aws:iam::111122223333:saml-provider/ExampleIdP" };
const samlContext = { "SAML:aud": "https://signin.aws.amazon.com/saml", "aws:TagKeys": ["Department"], "aws:RequestTag/Department": "engineering" };

const trust = (actions: string[], extra: object[] = []) =>
  parsePolicy(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: IDP.id },
          Action: actions,
          Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
        },
        ...extra,
      ],
    },
    { kind: "trust" },
  );

test("the main action alone", () => {
  const e = evaluateTrust(trust(["sts:AssumeRoleWithSAML"]), { action: "sts:AssumeRoleWithSAML", principal: IDP, context: samlContext, tagging: false, sourceIdentity: false });
  assert.equal(e.decision, "Allow");
  assert.equal(e.failed, undefined);
  assert.deepEqual(e.parts.map((p) => p.name), ["sts:AssumeRoleWithSAML"]);
  assert.equal(e.explanation.at(-1), "Decision: Allow");
});

test("passing tags requires sts:TagSession", () => {
  const without = evaluateTrust(trust(["sts:AssumeRoleWithSAML"]), { action: "sts:AssumeRoleWithSAML", principal: IDP, context: samlContext, tagging: true, sourceIdentity: false });
  assert.equal(without.decision, "ImplicitDeny");
  assert.equal(without.failed, "sts:TagSession");
  assert.equal(without.explanation.at(-1), "Decision: ImplicitDeny (sts:TagSession: ImplicitDeny)");
  assert.ok(without.explanation.includes("sts:TagSession: ImplicitDeny"));

  const withTag = evaluateTrust(trust(["sts:AssumeRoleWithSAML", "sts:TagSession"]), { action: "sts:AssumeRoleWithSAML", principal: IDP, context: samlContext, tagging: true, sourceIdentity: false });
  assert.equal(withTag.decision, "Allow");
  assert.deepEqual(withTag.parts.map((p) => p.name), ["sts:AssumeRoleWithSAML", "sts:TagSession"]);
  assert.equal(withTag.matched.length, 2);
});

test("a source identity requires sts:SetSourceIdentity", () => {
  const req = { action: "sts:AssumeRoleWithSAML" as const, principal: IDP, context: { ...samlContext, "sts:SourceIdentity": "alice" }, tagging: false, sourceIdentity: true };
  const e = evaluateTrust(trust(["sts:AssumeRoleWithSAML", "sts:TagSession"]), req);
  assert.equal(e.decision, "ImplicitDeny");
  assert.equal(e.failed, "sts:SetSourceIdentity");
  assert.equal(evaluateTrust(trust(["sts:AssumeRoleWithSAML", "sts:SetSourceIdentity"]), req).decision, "Allow");
});

test("tag conditions apply to sts:TagSession only where the statement says so", () => {
  const policy = trust(["sts:AssumeRoleWithSAML"], [
    {
      Effect: "Allow",
      Principal: { Federated: IDP.id },
      Action: "sts:TagSession",
      Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["Department", "CostCenter"] } },
    },
  ]);
  const req = { action: "sts:AssumeRoleWithSAML" as const, principal: IDP, tagging: true, sourceIdentity: false };
  assert.equal(evaluateTrust(policy, { ...req, context: samlContext }).decision, "Allow");
  assert.equal(evaluateTrust(policy, { ...req, context: { ...samlContext, "aws:TagKeys": ["Department", "Admin"] } }).decision, "ImplicitDeny");
});

test("an explicit deny of one action denies the whole request", () => {
  const policy = trust(["sts:AssumeRoleWithSAML", "sts:TagSession"], [
    { Effect: "Deny", Principal: "*", Action: "sts:TagSession", Condition: { StringEquals: { "aws:RequestTag/Department": "admin" } } },
  ]);
  const req = { action: "sts:AssumeRoleWithSAML" as const, principal: IDP, tagging: true, sourceIdentity: false };
  const e = evaluateTrust(policy, { ...req, context: { ...samlContext, "aws:RequestTag/Department": "admin" } });
  assert.equal(e.decision, "ExplicitDeny");
  assert.equal(e.failed, "sts:TagSession");
  assert.equal(evaluateTrust(policy, { ...req, context: samlContext }).decision, "Allow");
});

test("a failing main action is reported before the extra actions", () => {
  const e = evaluateTrust(trust(["sts:AssumeRoleWithSAML", "sts:TagSession"]), {
    action: "sts:AssumeRoleWithSAML",
    principal: IDP,
    context: { ...samlContext, "SAML:aud": "https://wrong.example.com" },
    tagging: true,
    sourceIdentity: false,
  });
  assert.equal(e.decision, "ImplicitDeny");
  assert.equal(e.failed, "sts:AssumeRoleWithSAML");
  assert.ok(e.explanation.some((l) => l.includes("SAML:aud") && l.includes("does not satisfy")));
});

test("the wrong principal is denied", () => {
  const e = evaluateTrust(trust(["sts:AssumeRoleWithSAML"]), {
    action: "sts:AssumeRoleWithSAML",
    principal: { type: "Federated", id: "arn:aws:iam::111122223333:saml-provider/Other" },
    context: samlContext,
    tagging: false,
    sourceIdentity: false,
  });
  assert.equal(e.decision, "ImplicitDeny");
  assert.ok(e.explanation.some((l) => l.includes("is not listed in Principal")));
});

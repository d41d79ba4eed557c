// The effective-access preview computes exactly what the protocol codecs and the STS trust check
// would, and names the statement that decided.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { computePreview } from "../../../src/admin/preview.ts";
import { effectiveGroupsOf, type JsonObject } from "../../../src/directory/index.ts";
import { Invalid } from "../../../src/errors.ts";
import { encodeAwsClaims } from "../../../src/oidc/aws-claims.ts";
import { encodeAwsAttributes } from "../../../src/saml/aws-profile.ts";
import { AUTH_TIME, AWS_SP, Fixture, ISSUER, SAML_PROVIDER } from "../claims/fixture.ts";

const OIDC_PROVIDER = "arn:aws:iam::111122223333:oidc-provider/127.0.0.1:4000";

function setup(trust: JsonObject | null) {
  const fx = new Fixture();
  const finance = fx.group("finance");
  const role = fx.role("Finance");
  (role as { trustPolicy: JsonObject | null }).trustPolicy = trust;
  fx.map(finance, role);
  fx.tag("department", "Department");
  fx.client("mobile-app");
  const user = fx.user("bob", [finance], { attributes: { department: "finance" }, email: "bob@example.com" });
  const snapshot = fx.snapshot();
  const preview = (kind: "saml" | "oidc", id: string, roleArn?: string) =>
    computePreview({ user, effectiveGroups: effectiveGroupsOf(snapshot, user.groupIds), snapshot, target: { kind, id }, issuer: ISSUER, roleArn, now: AUTH_TIME });
  return { fx, user, role, preview };
}

const samlAllow = (actions: string[], extra: object = {}) => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "SamlFederation", Effect: "Allow", Principal: { Federated: SAML_PROVIDER }, Action: actions, Condition: { StringEquals: { "SAML:aud": `${ISSUER}/aws/saml` } } }, ...(Array.isArray(extra) ? extra : [])],
});

describe("effective-access preview", () => {
  test("identity, SAML attributes and trust decision are the protocols' own", () => {
    const { fx, user, role, preview } = setup(samlAllow(["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"]));
    const p = preview("saml", AWS_SP, role.arn);
    const expected = fx.build(user).identity;
    assert.deepEqual(p.identity, expected);
    assert.deepEqual(p.samlAttributes, encodeAwsAttributes(expected));
    assert.equal(p.idTokenClaims, undefined);
    assert.equal(p.trust?.decision, "Allow");
    assert.equal(p.trust?.action, "sts:AssumeRoleWithSAML");
    assert.deepEqual(p.trust?.decidedBy, ["trust policy statement 0 (Sid SamlFederation): Allow"]);
    assert.equal(p.trust?.context["saml:aud"], `${ISSUER}/aws/saml`);
    assert.equal(p.trust?.context["aws:RequestTag/Department"], "finance");
    // AWS's documented NameQualifier test vector construction: Base64(SHA1(issuer + account + "/" + name))
    assert.equal(p.trust?.context["saml:doc"], "111122223333/idp-gateway");
  });

  test("an explicit Deny wins and is named", () => {
    const deny = [{ Sid: "NoFinanceTags", Effect: "Deny", Principal: { Federated: SAML_PROVIDER }, Action: "sts:TagSession", Condition: { StringEquals: { "aws:RequestTag/Department": "finance" } } }];
    const { role, preview } = setup(samlAllow(["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"], deny));
    const p = preview("saml", AWS_SP, role.arn);
    assert.equal(p.trust?.decision, "ExplicitDeny");
    assert.deepEqual(p.trust?.decidedBy, ["trust policy statement 1 (Sid NoFinanceTags): Deny"]);
  });

  test("tags without sts:TagSession are implicitly denied", () => {
    const { role, preview } = setup(samlAllow(["sts:AssumeRoleWithSAML", "sts:SetSourceIdentity"]));
    const p = preview("saml", AWS_SP, role.arn);
    assert.equal(p.trust?.decision, "ImplicitDeny");
    assert.match(p.trust!.explanation.join("\n"), /sts:TagSession: ImplicitDeny/);
  });

  test("OIDC: ID-token claims and the web-identity context", () => {
    const trust = { Version: "2012-10-17", Statement: [{ Sid: "Oidc", Effect: "Allow", Principal: { Federated: OIDC_PROVIDER }, Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"], Condition: { StringEquals: { "127.0.0.1:4000:aud": "mobile-app" } } }] };
    const { fx, user, role, preview } = setup(trust);
    const p = preview("oidc", "mobile-app", role.arn);
    assert.deepEqual(p.idTokenClaims, encodeAwsClaims(fx.build(user, { target: { kind: "oidc", id: "mobile-app" } }).identity));
    assert.equal(p.trust?.principal, OIDC_PROVIDER);
    assert.equal(p.trust?.decision, "Allow");
    assert.deepEqual(p.trust?.decidedBy, ["trust policy statement 0 (Sid Oidc): Allow"]);
  });

  test("a role the user is not granted, no trust policy, no access", () => {
    const { role, preview } = setup(null);
    assert.throws(() => preview("saml", AWS_SP, "arn:aws:iam::111122223333:role/Other"), Invalid);
    assert.match(preview("saml", AWS_SP, role.arn).trust!.problem!, /no trust policy/);
    const restricted = setup(null);
    restricted.fx.sp("https://restricted.example.com", [restricted.fx.group("x")]);
    const snapshot = restricted.fx.snapshot();
    const p = computePreview({ user: restricted.user, effectiveGroups: effectiveGroupsOf(snapshot, restricted.user.groupIds), snapshot, target: { kind: "saml", id: "https://restricted.example.com" }, issuer: ISSUER });
    assert.match(p.refused!, /do not have access/);
  });
});

// Field validators, table-driven: each row is a value and whether the field accepts it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as v from "../../../src/directory/validation.ts";

type Row = [value: unknown, ok: boolean];

function table(name: string, check: (x: unknown) => v.Problem, rows: Row[]): void {
  describe(name, () => {
    for (const [value, ok] of rows) {
      const label = typeof value === "string" && value.length > 60 ? `${value.slice(0, 40)}… (${value.length})` : JSON.stringify(value);
      it(`${ok ? "accepts" : "rejects"} ${label}`, () => {
        const problem = check(value);
        if (ok) assert.equal(problem, undefined);
        else assert.equal(typeof problem, "string", "expected a message for the form field");
      });
    }
  });
}

const ACCT = "111122223333";

table("usernames", v.usernameProblem, [
  ["alice", true],
  ["Alice", true], // stored lower-cased
  ["  bob  ", true],
  ["alice.example@example.com", true],
  ["a", true],
  ["first_last+tag-1", true],
  ["a".repeat(64), true],
  ["a".repeat(65), false],
  ["", false],
  ["   ", false],
  [".alice", false],
  ["al ice", false],
  ["alice:admin", false],
  ["josé", false],
  [42, false],
  [undefined, false],
]);

table("group names", v.groupNameProblem, [
  ["engineering", true],
  ["Platform Team", true],
  ["Équipe-finance", true],
  ["team/backend:eu", true],
  ["x".repeat(128), true],
  ["x".repeat(129), false],
  ["", false],
  [" leading", false],
  ["trailing ", false],
  ["-dash-first", false],
  ["bad\nname", false],
  ["<script>", false],
  [null, false],
]);

table("emails", v.emailProblem, [
  ["alice@example.com", true],
  ["a.b+c@sub.example.co.uk", true],
  [null, true],
  [undefined, true],
  ["", true],
  ["alice", false],
  ["alice@localhost", false],
  ["a b@example.com", false],
  ["@example.com", false],
  [`${"a".repeat(65)}@example.com`, false],
  [`a@${"b".repeat(250)}.com`, false],
  [7, false],
]);

table("attribute maps", v.attributesProblem, [
  [undefined, true],
  [{}, true],
  [{ department: "engineering", costCenter: 1234, remote: true, skills: ["ts"] }, true],
  [[], false],
  ["department=x", false],
  [{ "bad key": "x" }, false],
  [{ "1st": "x" }, false],
  [Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])), false],
  [{ big: "x".repeat(17_000) }, false],
]);

table("role ARNs", v.roleArnProblem, [
  [`arn:aws:iam::${ACCT}:role/Engineer`, true],
  [`arn:aws:iam::${ACCT}:role/team/dev/Engineer`, true],
  [`arn:aws-cn:iam::${ACCT}:role/ReadOnly`, true],
  [`arn:aws-us-gov:iam::${ACCT}:role/ReadOnly`, true],
  [`arn:aws:iam::${ACCT}:role/a+b=c,d.e@f_g-h`, true],
  [`arn:aws:iam::${ACCT}:role/${"r".repeat(64)}`, true],
  [`arn:aws:iam::${ACCT}:role/${"p".repeat(510)}/x`, true], // path "/ppp…/" is 512
  [`arn:aws:iam::${ACCT}:role/${"p".repeat(511)}/x`, false],
  [`arn:aws:iam::${ACCT}:role/${"r".repeat(65)}`, false],
  [`arn:aws:iam::${ACCT}:role/`, false],
  [`arn:aws:iam::${ACCT}:role/a/`, false],
  [`arn:aws:iam::${ACCT}:role//name`, false],
  [`arn:aws:iam::${ACCT}:role/has space`, false],
  [`arn:aws:iam::${ACCT}:role/näme`, false],
  [`arn:aws:iam::${ACCT}:user/alice`, false],
  [`arn:aws:iam::${ACCT}:roles/Engineer`, false],
  [`arn:aws:sts::${ACCT}:assumed-role/Engineer/alice`, false],
  [`arn:aws-iso:iam::${ACCT}:role/Engineer`, false],
  ["arn:aws:iam::11112222333:role/Engineer", false],
  ["arn:aws:iam::1111222233334:role/Engineer", false],
  [`arn:aws:iam:us-east-1:${ACCT}:role/Engineer`, false],
  [`arn:aws:iam::${ACCT}:role/${"p/".repeat(1100)}x`, false], // > 2048
  ["", false],
  [undefined, false],
]);

describe("parseRoleArn", () => {
  it("splits partition, account, path and name", () => {
    assert.deepEqual(v.parseRoleArn(`arn:aws-cn:iam::${ACCT}:role/team/dev/Engineer`), { partition: "aws-cn", accountId: ACCT, path: "/team/dev/", name: "Engineer" });
    assert.deepEqual(v.parseRoleArn(`arn:aws:iam::${ACCT}:role/Engineer`), { partition: "aws", accountId: ACCT, path: "/", name: "Engineer" });
  });
});

table("SAML provider ARNs", v.samlProviderArnProblem, [
  [`arn:aws:iam::${ACCT}:saml-provider/idp-gateway`, true],
  [`arn:aws:iam::${ACCT}:saml-provider/My_IdP.v2`, true],
  [`arn:aws-us-gov:iam::${ACCT}:saml-provider/${"n".repeat(128)}`, true],
  [`arn:aws:iam::${ACCT}:saml-provider/${"n".repeat(129)}`, false],
  [`arn:aws:iam::${ACCT}:saml-provider/`, false],
  [`arn:aws:iam::${ACCT}:saml-provider/my idp`, false],
  [`arn:aws:iam::${ACCT}:saml-provider/a+b`, false],
  [`arn:aws:iam::${ACCT}:oidc-provider/example.com`, false],
  [`arn:aws:iam::${ACCT}:role/Engineer`, false],
]);

table("OIDC provider ARNs", v.oidcProviderArnProblem, [
  [`arn:aws:iam::${ACCT}:oidc-provider/localhost:4000`, true],
  [`arn:aws:iam::${ACCT}:oidc-provider/127.0.0.1:4000`, true],
  [`arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`, true],
  [`arn:aws:iam::${ACCT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123`, true],
  [`arn:aws:iam::${ACCT}:oidc-provider/https://example.com`, false],
  [`arn:aws:iam::${ACCT}:oidc-provider/example.com/`, false],
  [`arn:aws:iam::${ACCT}:oidc-provider/`, false],
  [`arn:aws:iam::${ACCT}:oidc-provider/exa mple.com`, false],
  [`arn:aws:iam::${ACCT}:saml-provider/idp`, false],
]);

table("role MaxSessionDuration", v.maxSessionDurationProblem, [
  [3600, true],
  [43200, true],
  [7200, true],
  [3599, false],
  [43201, false],
  [900, false],
  [3600.5, false],
  ["3600", false],
  [undefined, false],
]);

table("mapping session duration", v.mappingSessionDurationProblem, [
  [null, true],
  [undefined, true],
  [900, true],
  [43200, true],
  [899, false],
  [43201, false],
  [1000.1, false],
  [Number.NaN, false],
]);

table("tag keys", v.tagKeyProblem, [
  ["Department", true],
  ["cost-center", true],
  ["a:b/c=d+e-f@g_h.i", true],
  ["部署", true],
  ["Key with spaces", true],
  ["aws", true],
  ["awsome", true],
  ["x aws:y", true],
  ["k".repeat(128), true],
  ["k".repeat(129), false],
  ["", false],
  ["aws:foo", false],
  ["AWS:Foo", false],
  ["Aws:x", false],
  ["key!", false],
  ["tab\tkey", false],
  ["emoji😀", false],
  ["a,b", false],
  [null, false],
]);

table("tag values", v.tagValueProblem, [
  ["", true],
  ["engineering", true],
  ["1234", true],
  ["東京", true],
  ["Zoë Ünal", true],
  ["a:b/c=d+e-f@g_h.i", true],
  ["\u00a0nbsp", true], // \p{Z}
  ["v".repeat(256), true],
  ["𝒜".repeat(128), true], // 256 UTF-16 units
  ["𝒜".repeat(129), false],
  ["v".repeat(257), false],
  ["line\nbreak", false],
  ["<b>", false],
  ["a,b", false],
  ["😀", false],
  [12, false],
  [null, false],
]);

describe("trust policy outline", () => {
  const good = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRoleWithSAML" }] };
  const rows: [string, unknown, boolean][] = [
    ["an object", good, true],
    ["JSON text", JSON.stringify(good), true],
    ["a single statement object", { Version: "2008-10-17", Statement: { Effect: "Allow" } }, true],
    ["broken JSON", "{", false],
    ["an array", [good], false],
    ["a JSON string", '"x"', false],
    ["no Version", { Statement: [{}] }, false],
    ["an unknown Version", { Version: "2020-01-01", Statement: [{}] }, false],
    ["no Statement", { Version: "2012-10-17" }, false],
    ["an empty Statement", { Version: "2012-10-17", Statement: [] }, false],
    ["a non-object statement", { Version: "2012-10-17", Statement: ["Allow"] }, false],
    ["more than 8192 characters", { Version: "2012-10-17", Statement: [{ Sid: "x".repeat(9000) }] }, false],
  ];
  for (const [name, doc, ok] of rows) {
    it(`${ok ? "accepts" : "rejects"} ${name}`, () => {
      const r = v.parseTrustPolicy(doc);
      assert.equal(r.problem === undefined, ok, r.problem);
      if (ok) assert.equal(r.policy?.Version !== undefined, true);
    });
  }
});

table("ACS URLs", (x) => v.urlProblem(x, { httpOnly: true }), [
  ["http://127.0.0.1:4000/aws/saml", true],
  ["https://signin.aws.amazon.com/saml", true],
  ["ftp://example.com/acs", false],
  ["/relative", false],
  ["https://example.com/acs#frag", false],
  ["", false],
]);

table("redirect URIs", (x) => v.urlProblem(x), [
  ["com.example.app:/oauth2redirect", true],
  ["http://127.0.0.1:8765/callback", true],
  ["not a url", false],
]);

table("OIDC client ids", v.clientIdProblem, [
  ["mobile-app", true],
  ["idp-cli", true],
  ["urn:client.1", true],
  ["has space", false],
  ["", false],
  ["c".repeat(129), false],
]);

table("ids", (x) => (v.isId(x) ? undefined : "no"), [
  ["0b8f2a4e-6d0c-4a8e-9f53-2b7c1d9e4a10", true],
  ["0B8F2A4E-6D0C-4A8E-9F53-2B7C1D9E4A10", true],
  ["nope", false],
  ["0b8f2a4e6d0c4a8e9f532b7c1d9e4a10", false],
  [123, false],
]);

// The AWS SAML attribute codec: encode → decode keeps every AWS-relevant field; bad attributes fail
// with a clear message, the way AWS rejects them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AWS_ATTRIBUTES, decodeAwsAttributes, encodeAwsAttributes, parseRolePair, type SamlAttribute } from "../../../src/saml/aws-profile.ts";
import { Invalid } from "../../../src/errors.ts";
import { generateIdentity } from "../../helpers/identities.ts";

const ROLE = "arn:aws:iam::111122223333:role/Engineer";
const PROVIDER = "arn:aws:iam::111122223333:saml-provider/idp-gateway";
const base = (): SamlAttribute[] => [
  { name: AWS_ATTRIBUTES.role, values: [`${ROLE},${PROVIDER}`] },
  { name: AWS_ATTRIBUTES.roleSessionName, values: ["alice"] },
];

describe("AWS SAML attributes round trip", () => {
  it("decode(encode(identity)) equals the identity's AWS fields for 300 generated identities", () => {
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const identity = generateIdentity(i);
      if (identity.roles.length === 0) continue; // the IdP refuses to assert no roles (tested in saml/)
      const decoded = decodeAwsAttributes(encodeAwsAttributes(identity));
      assert.deepEqual(decoded, {
        roles: identity.roles.map(({ roleArn, providerArn }) => ({ roleArn, providerArn })),
        roleSessionName: identity.roleSessionName,
        sessionDuration: identity.sessionDuration,
        sourceIdentity: identity.sourceIdentity,
        principalTags: identity.principalTags,
        transitiveTagKeys: identity.transitiveTagKeys,
      }, `identity #${i}`);
      checked++;
    }
    assert.ok(checked > 200);
  });

  it("emits one PrincipalTag attribute per tag and one Role value per role", () => {
    const identity = generateIdentity(11); // 50 tags
    const attrs = encodeAwsAttributes(identity);
    assert.equal(attrs.filter((a) => a.name.startsWith(AWS_ATTRIBUTES.principalTagPrefix)).length, 50);
    assert.equal(attrs.find((a) => a.name === AWS_ATTRIBUTES.role)!.values.length, identity.roles.length);
  });
});

describe("decodeAwsAttributes rejects what AWS rejects", () => {
  const bad: Array<[string, SamlAttribute[]]> = [
    ["no Role attribute", base().slice(1)],
    ["no RoleSessionName", base().slice(0, 1)],
    ["a one-character RoleSessionName", [base()[0]!, { name: AWS_ATTRIBUTES.roleSessionName, values: ["a"] }]],
    ["a RoleSessionName with a space", [base()[0]!, { name: AWS_ATTRIBUTES.roleSessionName, values: ["al ice"] }]],
    ["two RoleSessionName values", [base()[0]!, { name: AWS_ATTRIBUTES.roleSessionName, values: ["alice", "bob"] }]],
    ["a repeated attribute", [...base(), base()[1]!]],
    ["a Role value with one ARN", [{ name: AWS_ATTRIBUTES.role, values: [ROLE] }, base()[1]!]],
    ["a Role value with two role ARNs", [{ name: AWS_ATTRIBUTES.role, values: [`${ROLE},${ROLE}`] }, base()[1]!]],
    ["SessionDuration below 900", [...base(), { name: AWS_ATTRIBUTES.sessionDuration, values: ["899"] }]],
    ["SessionDuration above 43200", [...base(), { name: AWS_ATTRIBUTES.sessionDuration, values: ["43201"] }]],
    ["SessionDuration not a number", [...base(), { name: AWS_ATTRIBUTES.sessionDuration, values: ["1e3"] }]],
    ["SourceIdentity starting aws:", [...base(), { name: AWS_ATTRIBUTES.sourceIdentity, values: ["aws:admin"] }]],
    ["a tag value with markup", [...base(), { name: `${AWS_ATTRIBUTES.principalTagPrefix}Team`, values: ["<x>"] }]],
    ["a 129-character tag key", [...base(), { name: `${AWS_ATTRIBUTES.principalTagPrefix}${"k".repeat(129)}`, values: ["v"] }]],
    ["a 257-character tag value", [...base(), { name: `${AWS_ATTRIBUTES.principalTagPrefix}Team`, values: ["v".repeat(257)] }]],
    ["a multi-valued tag", [...base(), { name: `${AWS_ATTRIBUTES.principalTagPrefix}Team`, values: ["a", "b"] }]],
    ["the same tag key in two cases", [...base(), { name: `${AWS_ATTRIBUTES.principalTagPrefix}Team`, values: ["a"] }, { name: `${AWS_ATTRIBUTES.principalTagPrefix}team`, values: ["b"] }]],
    ["51 tags", [...base(), ...Array.from({ length: 51 }, (_, i) => ({ name: `${AWS_ATTRIBUTES.principalTagPrefix}T${i}`, values: ["v"] }))]],
    ["a transitive key that is not a tag", [...base(), { name: AWS_ATTRIBUTES.transitiveTagKeys, values: ["Team"] }]],
  ];
  for (const [what, attrs] of bad) {
    it(`rejects ${what}`, () => assert.throws(() => decodeAwsAttributes(attrs), Invalid));
  }

  it("accepts the role pair in either order and ignores attributes outside the AWS prefix", () => {
    assert.deepEqual(parseRolePair(`${PROVIDER}, ${ROLE}`), { roleArn: ROLE, providerArn: PROVIDER });
    const decoded = decodeAwsAttributes([...base(), { name: "mail", values: ["a@example.com", "b@example.com"] }]);
    assert.deepEqual(decoded.roles, [{ roleArn: ROLE, providerArn: PROVIDER }]);
  });

  it("matches transitive keys case-insensitively and reports them in the tag's own case", () => {
    const decoded = decodeAwsAttributes([
      ...base(),
      { name: `${AWS_ATTRIBUTES.principalTagPrefix}CostCenter`, values: ["1234"] },
      { name: AWS_ATTRIBUTES.transitiveTagKeys, values: ["costcenter"] },
    ]);
    assert.deepEqual(decoded.transitiveTagKeys, ["CostCenter"]);
  });
});

// The AWS web-identity claims codec: encode → decode keeps every AWS-relevant field, in exactly the
// shape reference/sts.md §3b gives; bad claims fail the way AWS rejects them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AWS_SOURCE_IDENTITY_CLAIM, AWS_TAGS_CLAIM, decodeAwsClaims, encodeAwsClaims } from "../../../src/oidc/aws-claims.ts";
import { Invalid } from "../../../src/errors.ts";
import { generateIdentity } from "../../helpers/identities.ts";

const token = (claims: Record<string, unknown>) => ({ sub: "user-000001", iss: "http://localhost:4000", ...claims });

describe("AWS web-identity claims round trip", () => {
  it("decode(encode(identity)) equals the identity's AWS fields for 300 generated identities", () => {
    for (let i = 0; i < 300; i++) {
      const identity = generateIdentity(i);
      const payload = { sub: identity.subject, iss: identity.issuer, amr: identity.mfa ? ["pwd", "mfa"] : ["pwd"], ...encodeAwsClaims(identity) };
      const decoded = decodeAwsClaims(JSON.parse(JSON.stringify(payload)));
      assert.deepEqual(decoded, {
        subject: identity.subject,
        issuer: identity.issuer,
        roles: identity.roles.map((r) => r.roleArn),
        sourceIdentity: identity.sourceIdentity,
        principalTags: identity.principalTags,
        transitiveTagKeys: identity.transitiveTagKeys,
        mfa: identity.mfa,
        authTime: undefined,
      }, `identity #${i}`);
    }
  });

  it("uses AWS's documented shape: one-element arrays, transitive keys beside them", () => {
    const claims = encodeAwsClaims({ ...generateIdentity(1), principalTags: { CostCenter: "1234", Department: "eng" }, transitiveTagKeys: ["CostCenter"], sourceIdentity: "alice" });
    assert.deepEqual(claims[AWS_TAGS_CLAIM], { principal_tags: { CostCenter: ["1234"], Department: ["eng"] }, transitive_tag_keys: ["CostCenter"] });
    assert.equal(claims[AWS_SOURCE_IDENTITY_CLAIM], "alice");
  });

  it("omits the tags claim when there are no tags", () => {
    const claims = encodeAwsClaims({ ...generateIdentity(1), principalTags: {}, transitiveTagKeys: [] });
    assert.equal(AWS_TAGS_CLAIM in claims, false);
  });
});

describe("decodeAwsClaims rejects what AWS rejects", () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ["a short sub", { sub: "abc" }],
    ["a missing iss", { iss: undefined }],
    ["a multi-valued tag", { [AWS_TAGS_CLAIM]: { principal_tags: { Team: ["a", "b"] } } }],
    ["a tag value that is not an array", { [AWS_TAGS_CLAIM]: { principal_tags: { Team: "a" } } }],
    ["tags without principal_tags", { [AWS_TAGS_CLAIM]: { Team: ["a"] } }],
    ["a tag key with markup", { [AWS_TAGS_CLAIM]: { principal_tags: { "<k>": ["a"] } } }],
    ["51 tags", { [AWS_TAGS_CLAIM]: { principal_tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`T${i}`, ["v"]])) } }],
    ["a transitive key that is not a tag", { [AWS_TAGS_CLAIM]: { principal_tags: { Team: ["a"] }, transitive_tag_keys: ["Other"] } }],
    ["a source identity starting aws:", { [AWS_SOURCE_IDENTITY_CLAIM]: "aws:root" }],
    ["a source identity that is not a string", { [AWS_SOURCE_IDENTITY_CLAIM]: 42 }],
  ];
  for (const [what, claims] of bad) it(`rejects ${what}`, () => assert.throws(() => decodeAwsClaims(token(claims)), Invalid));

  it("reads mfa from amr and auth_time as a date", () => {
    const decoded = decodeAwsClaims(token({ amr: ["pwd", "mfa"], auth_time: 1_790_000_000 }));
    assert.equal(decoded.mfa, true);
    assert.deepEqual(decoded.authTime, new Date(1_790_000_000_000));
  });
});

// Every parameter limit of sts.md §2 at its boundaries, with AWS's ValidationError wording.
// Messages marked "real STS" are byte-for-byte what AWS answered to the same input.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  StsError,
  checkSessionTags,
  parseQueryRequest,
  readParams,
  stsActionParams,
  type Shape,
} from "../../../../src/sts/protocol/index.ts";

const ROLE = "arn:aws:iam::111122223333:role/Engineer";
const PROVIDER = "arn:aws:iam::111122223333:saml-provider/idp-gateway";

function read<S extends Shape>(shape: S, params: Record<string, string>) {
  const body = Buffer.from(new URLSearchParams(params).toString());
  return readParams(shape, parseQueryRequest({ method: "POST", rawQuery: "", contentType: "application/x-www-form-urlencoded", body }).params);
}

function fails(shape: Shape, params: Record<string, string>, code = "ValidationError"): string {
  try {
    read(shape, params);
  } catch (err) {
    assert.ok(err instanceof StsError, String(err));
    assert.equal(err.code, code, err.message);
    return err.message;
  }
  assert.fail(`expected ${code} for ${JSON.stringify(params).slice(0, 200)}`);
}

const one = (value: string | null, at: string, constraint: string) =>
  `1 validation error detected: ${value === null ? "Value null" : `Value '${value}'`} at '${at}' failed to satisfy constraint: Member ${constraint}`;

const AR = stsActionParams.AssumeRole;
const assumeRole = (extra: Record<string, string>) => ({ RoleArn: ROLE, RoleSessionName: "session", ...extra });

describe("RoleArn (arnType: 20–2048, pattern)", () => {
  const ARN_PATTERN = String.raw`[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`;

  test("missing → 'Value null … must not be null' (real STS)", () => {
    assert.equal(fails(AR, { RoleSessionName: "session" }), one(null, "roleArn", "must not be null"));
  });
  test("empty → pattern and length, pattern first (real STS)", () => {
    assert.equal(
      fails(AR, assumeRole({ RoleArn: "" })),
      `2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ARN_PATTERN}; Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`,
    );
  });
  test("19 / 20 characters", () => {
    assert.equal(fails(AR, assumeRole({ RoleArn: "x".repeat(19) })), one("x".repeat(19), "roleArn", "must have length greater than or equal to 20"));
    assert.equal(read(AR, assumeRole({ RoleArn: "x".repeat(20) })).RoleArn, "x".repeat(20));
  });
  test("2048 / 2049 characters (real STS)", () => {
    assert.ok(read(AR, assumeRole({ RoleArn: "x".repeat(2048) })));
    assert.equal(fails(AR, assumeRole({ RoleArn: "x".repeat(2049) })), one("x".repeat(2049), "roleArn", "must have length less than or equal to 2048"));
  });
  test("length counts code points: 2048 'é' pass, 2049 fail (real STS)", () => {
    assert.ok(read(AR, assumeRole({ RoleArn: "é".repeat(2048) })));
    assert.match(fails(AR, assumeRole({ RoleArn: "é".repeat(2049) })), /less than or equal to 2048$/);
  });
  test("no normalization: 1025 × 'e\\u0301' is 2050 code points (real STS)", () => {
    assert.match(fails(AR, assumeRole({ RoleArn: "e\u0301".repeat(1025) })), /^1 validation error detected: .* less than or equal to 2048$/s);
  });
  test("supplementary characters fail the pattern but count once (real STS)", () => {
    const v2048 = "😀".repeat(2048);
    assert.equal(fails(AR, assumeRole({ RoleArn: v2048 })), one(v2048, "roleArn", `must satisfy regular expression pattern: ${ARN_PATTERN}`));
    const v2049 = "😀".repeat(2049);
    assert.match(fails(AR, assumeRole({ RoleArn: v2049 })), /^2 validation errors detected: .*pattern.*; .*less than or equal to 2048$/s);
  });
  test("control characters fail the pattern", () => {
    assert.match(fails(AR, assumeRole({ RoleArn: `${ROLE}\u0001` })), /regular expression pattern/);
  });
});

describe("RoleSessionName (2–64, [\\w+=,.@-]*)", () => {
  test("missing (real STS)", () => {
    assert.equal(fails(AR, { RoleArn: ROLE }), one(null, "roleSessionName", "must not be null"));
  });
  test("'' and 'a' are too short (real STS)", () => {
    assert.equal(fails(AR, assumeRole({ RoleSessionName: "" })), one("", "roleSessionName", "must have length greater than or equal to 2"));
    assert.equal(fails(AR, assumeRole({ RoleSessionName: "a" })), one("a", "roleSessionName", "must have length greater than or equal to 2"));
  });
  test("2 and 64 pass, 65 fails (real STS)", () => {
    assert.ok(read(AR, assumeRole({ RoleSessionName: "aa" })));
    assert.ok(read(AR, assumeRole({ RoleSessionName: "b".repeat(64) })));
    assert.equal(fails(AR, assumeRole({ RoleSessionName: "a".repeat(65) })), one("a".repeat(65), "roleSessionName", "must have length less than or equal to 64"));
  });
  test("pattern (sts.md §1.4 text)", () => {
    assert.equal(
      fails(AR, assumeRole({ RoleSessionName: "bad/name" })),
      String.raw`1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`,
    );
    assert.ok(read(AR, assumeRole({ RoleSessionName: "a_Z9+=,.@-" })));
    assert.match(fails(AR, assumeRole({ RoleSessionName: "é-name" })), /pattern/);
  });
  test("several members fail together, in model order", () => {
    assert.equal(
      fails(AR, { RoleSessionName: "a", DurationSeconds: "899" }),
      "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
        "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
  });
});

describe("DurationSeconds", () => {
  const d = (v: string) => assumeRole({ DurationSeconds: v });
  test("AssumeRole*: 899 fails, 900 and 43200 pass, 43201 fails (real STS)", () => {
    assert.equal(fails(AR, d("899")), one("899", "durationSeconds", "must have value greater than or equal to 900"));
    assert.equal(read(AR, d("900")).DurationSeconds, 900);
    assert.equal(read(AR, d("43200")).DurationSeconds, 43200);
    assert.equal(fails(AR, d("43201")), one("43201", "durationSeconds", "must have value less than or equal to 43200"));
  });
  test("'+900' and '0900' parse as 900 (real STS)", () => {
    assert.equal(read(AR, d("+900")).DurationSeconds, 900);
    assert.equal(read(AR, d("0900")).DurationSeconds, 900);
  });
  test("32-bit edge values are range errors (real STS)", () => {
    assert.equal(fails(AR, d("-1")), one("-1", "durationSeconds", "must have value greater than or equal to 900"));
    assert.equal(fails(AR, d("2147483647")), one("2147483647", "durationSeconds", "must have value less than or equal to 43200"));
    assert.equal(fails(AR, d("-2147483648")), one("-2147483648", "durationSeconds", "must have value greater than or equal to 900"));
  });
  test("values that are not 32-bit integers are MalformedInput (real STS)", () => {
    assert.equal(fails(AR, d(""), "MalformedInput"), "missing value for decimal type");
    for (const v of ["abc", "900.0", "2147483648", "-2147483649", "9".repeat(400), "1e3", " 900"]) fails(AR, d(v), "MalformedInput");
  });
  test("GetSessionToken / GetFederationToken: 900–129600", () => {
    const gst = stsActionParams.GetSessionToken;
    assert.equal(read(gst, { DurationSeconds: "129600" }).DurationSeconds, 129600);
    assert.equal(fails(gst, { DurationSeconds: "129601" }), one("129601", "durationSeconds", "must have value less than or equal to 129600"));
    assert.equal(fails(gst, { DurationSeconds: "899" }), one("899", "durationSeconds", "must have value greater than or equal to 900"));
    const gft = stsActionParams.GetFederationToken;
    assert.equal(read(gft, { Name: "Bob", DurationSeconds: "129600" }).DurationSeconds, 129600);
  });
});

describe("ExternalId, SerialNumber, TokenCode, SourceIdentity", () => {
  test("ExternalId 2–1224, [\\w+=,.@:\\/-]*", () => {
    assert.match(fails(AR, assumeRole({ ExternalId: "a" })), /at 'externalId' .* greater than or equal to 2$/);
    assert.ok(read(AR, assumeRole({ ExternalId: "ab" })));
    assert.ok(read(AR, assumeRole({ ExternalId: "x".repeat(1224) })));
    assert.match(fails(AR, assumeRole({ ExternalId: "x".repeat(1225) })), /less than or equal to 1224$/);
    assert.ok(read(AR, assumeRole({ ExternalId: "urn:ext/id-1@a.b" })));
    assert.match(fails(AR, assumeRole({ ExternalId: "has space" })), /pattern: \[\\w\+=,\.@:\\\/-\]\*$/);
  });
  test("SerialNumber 9–256, [\\w+=/:,.@-]*", () => {
    assert.match(fails(AR, assumeRole({ SerialNumber: "x".repeat(8) })), /at 'serialNumber' .* greater than or equal to 9$/);
    assert.ok(read(AR, assumeRole({ SerialNumber: "GAHT12345" })));
    assert.ok(read(AR, assumeRole({ SerialNumber: "arn:aws:iam::123456789012:mfa/user" })));
    assert.ok(read(AR, assumeRole({ SerialNumber: "x".repeat(256) })));
    assert.match(fails(AR, assumeRole({ SerialNumber: "x".repeat(257) })), /less than or equal to 256$/);
    assert.match(fails(AR, assumeRole({ SerialNumber: "arn:aws:iam::1:mfa/a b" })), /pattern/);
  });
  test("TokenCode: exactly six digits", () => {
    assert.equal(read(AR, assumeRole({ TokenCode: "012345" })).TokenCode, "012345");
    assert.equal(fails(AR, assumeRole({ TokenCode: "12345" })), one("12345", "tokenCode", "must have length greater than or equal to 6"));
    assert.equal(fails(AR, assumeRole({ TokenCode: "1234567" })), one("1234567", "tokenCode", "must have length less than or equal to 6"));
    assert.equal(fails(AR, assumeRole({ TokenCode: "12345a" })), one("12345a", "tokenCode", String.raw`must satisfy regular expression pattern: [\d]*`));
    assert.match(fails(AR, assumeRole({ TokenCode: "١٢٣٤٥٦" })), /pattern/); // \d is ASCII-only, as in the model's Java regex
  });
  test("SourceIdentity 2–64, [\\w+=,.@-]*", () => {
    assert.match(fails(AR, assumeRole({ SourceIdentity: "a" })), /at 'sourceIdentity'/);
    assert.ok(read(AR, assumeRole({ SourceIdentity: "ab" })));
    assert.ok(read(AR, assumeRole({ SourceIdentity: "a".repeat(64) })));
    assert.match(fails(AR, assumeRole({ SourceIdentity: "a".repeat(65) })), /less than or equal to 64$/);
    assert.match(fails(AR, assumeRole({ SourceIdentity: "a:b" })), /pattern/);
  });
});

describe("Tags and TransitiveTagKeys", () => {
  const tags = (n: number, key = (i: number) => `k${i}`, value = (i: number) => `v${i}`) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [[`Tags.member.${i + 1}.Key`, key(i)], [`Tags.member.${i + 1}.Value`, value(i)]]).flat());

  test("50 tags pass, 51 fail at 'tags'", () => {
    assert.equal(read(AR, assumeRole(tags(50))).Tags?.length, 50);
    const msg = fails(AR, assumeRole(tags(51)));
    assert.match(msg, /^1 validation error detected: Value '\[\{Key: k0,Value: v0\}, .*\]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/);
  });
  test("key 1–128 of [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", () => {
    assert.ok(read(AR, assumeRole(tags(1, () => "k".repeat(128)))));
    assert.match(fails(AR, assumeRole(tags(1, () => "k".repeat(129)))), /at 'tags\.1\.member\.key' .* less than or equal to 128$/);
    assert.equal(
      fails(AR, assumeRole(tags(1, () => ""))),
      String.raw`2 validation errors detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+; Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
    assert.match(fails(AR, assumeRole(tags(1, () => "bad*key"))), /Value 'bad\*key' at 'tags\.1\.member\.key' .*pattern/);
    assert.ok(read(AR, assumeRole(tags(1, () => "Ünïcödé 键 ٣ _.:/=+-@"))));
  });
  test("value 0–256, same charset", () => {
    assert.deepEqual(read(AR, assumeRole(tags(1, undefined, () => ""))).Tags, [{ Key: "k0", Value: "" }]);
    assert.ok(read(AR, assumeRole(tags(1, undefined, () => "v".repeat(256)))));
    assert.match(fails(AR, assumeRole(tags(1, undefined, () => "v".repeat(257)))), /at 'tags\.1\.member\.value' .* less than or equal to 256$/);
    assert.match(fails(AR, assumeRole(tags(1, undefined, () => "a;b"))), /tags\.1\.member\.value.*pattern/);
  });
  test("keys are case-insensitive: Project + project is InvalidParameterValue", () => {
    assert.throws(
      () => checkSessionTags([{ Key: "Project", Value: "a" }, { Key: "project", Value: "b" }]),
      (e: unknown) => e instanceof StsError && e.code === "InvalidParameterValue" && /case insensitive/.test(e.message),
    );
  });
  test("TransitiveTagKeys must be among the tags (case-insensitively)", () => {
    checkSessionTags([{ Key: "Project", Value: "a" }], ["project"]);
    assert.throws(
      () => checkSessionTags([{ Key: "Project", Value: "a" }], ["CostCenter"]),
      (e: unknown) => e instanceof StsError && e.code === "InvalidParameterValue" && e.httpStatus === 400,
    );
    assert.throws(() => checkSessionTags(undefined, ["A"]), StsError);
  });
  test("TransitiveTagKeys: at most 50 tag keys", () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`TransitiveTagKeys.member.${i + 1}`, `k${i}`]));
    assert.equal(read(AR, assumeRole(keys(50))).TransitiveTagKeys?.length, 50);
    assert.match(fails(AR, assumeRole(keys(51))), /at 'transitiveTagKeys' .* less than or equal to 50$/);
    assert.match(fails(AR, assumeRole({ "TransitiveTagKeys.member.1": "" })), /transitiveTagKeys\.1\.member/);
  });
});

describe("Policy and PolicyArns", () => {
  const SAML = stsActionParams.AssumeRoleWithSAML;
  const saml = (extra: Record<string, string>) => ({ RoleArn: ROLE, PrincipalArn: PROVIDER, SAMLAssertion: "PHNhbWw+", ...extra });

  test("session policy 1–2048 for SAML/WebIdentity/GetFederationToken", () => {
    assert.ok(read(SAML, saml({ Policy: "p".repeat(2048) })));
    assert.match(fails(SAML, saml({ Policy: "p".repeat(2049) })), /at 'policy' .* less than or equal to 2048$/);
    assert.match(fails(SAML, saml({ Policy: "" })), /^2 validation errors detected: .*pattern.*greater than or equal to 1$/s);
  });
  test("AssumeRole's policy has no model maximum", () => {
    assert.ok(read(AR, assumeRole({ Policy: "p".repeat(10_000) })));
  });
  test(String.raw`policy characters: \t \n \r and \u0020–\u00FF only`, () => {
    assert.ok(read(SAML, saml({ Policy: '{\t"Version":\r\n"ÿ"}' })));
    const msg = fails(SAML, saml({ Policy: '{"a":"Ā"}' }));
    assert.ok(msg.endsWith(String.raw`Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`), msg);
  });
  test("PolicyArns: 10 pass, 11 fail; each arn is an arnType", () => {
    const arns = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`PolicyArns.member.${i + 1}.arn`, `arn:aws:iam::aws:policy/P${i}`]));
    assert.equal(read(SAML, saml(arns(10))).PolicyArns?.length, 10);
    assert.match(fails(SAML, saml(arns(11))), /at 'policyArns' .* less than or equal to 10$/);
    assert.equal(fails(SAML, saml({ "PolicyArns.member.1.arn": "arn:short" })), one("arn:short", "policyArns.1.member.arn", "must have length greater than or equal to 20"));
  });
});

describe("ProvidedContexts", () => {
  const ctx = (n: number, assertion = "abcd") =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        [`ProvidedContexts.member.${i + 1}.ProviderArn`, "arn:aws:iam::aws:contextProvider/IdentityCenter"],
        [`ProvidedContexts.member.${i + 1}.ContextAssertion`, assertion],
      ]).flat(),
    );
  test("at most 5", () => {
    assert.equal(read(AR, assumeRole(ctx(5))).ProvidedContexts?.length, 5);
    assert.match(fails(AR, assumeRole(ctx(6))), /at 'providedContexts' .* less than or equal to 5$/);
  });
  test("ContextAssertion 4–2048", () => {
    assert.match(fails(AR, assumeRole(ctx(1, "abc"))), /providedContexts\.1\.member\.contextAssertion.*greater than or equal to 4$/);
    assert.ok(read(AR, assumeRole(ctx(1, "a".repeat(2048)))));
    assert.match(fails(AR, assumeRole(ctx(1, "a".repeat(2049)))), /less than or equal to 2048$/);
  });
});

describe("assertions and tokens (sensitive: never echoed)", () => {
  const SAML = stsActionParams.AssumeRoleWithSAML;
  const WEB = stsActionParams.AssumeRoleWithWebIdentity;
  test("SAMLAssertion 4–100,000", () => {
    assert.equal(
      fails(SAML, { RoleArn: ROLE, PrincipalArn: PROVIDER, SAMLAssertion: "abc" }),
      "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to 4",
    );
    assert.ok(read(SAML, { RoleArn: ROLE, PrincipalArn: PROVIDER, SAMLAssertion: "abcd" }));
    assert.ok(read(SAML, { RoleArn: ROLE, PrincipalArn: PROVIDER, SAMLAssertion: "A".repeat(100_000) }));
    const msg = fails(SAML, { RoleArn: ROLE, PrincipalArn: PROVIDER, SAMLAssertion: "A".repeat(100_001) });
    assert.equal(msg, "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000");
  });
  test("SAML: PrincipalArn and SAMLAssertion are required", () => {
    assert.match(fails(SAML, { RoleArn: ROLE }), /^2 validation errors detected: Value null at 'principalArn'.*; Value null at 'sAMLAssertion'/);
  });
  test("WebIdentityToken 4–20,000", () => {
    const web = (t: string) => ({ RoleArn: ROLE, RoleSessionName: "app", WebIdentityToken: t });
    assert.equal(fails(WEB, web("eyJ")), "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4");
    assert.ok(read(WEB, web("eyJh")));
    assert.ok(read(WEB, web("t".repeat(20_000))));
    assert.doesNotMatch(fails(WEB, web("t".repeat(20_001))), /tttt/);
  });
  test("ProviderId 4–2048", () => {
    const web = (p: string) => ({ RoleArn: ROLE, RoleSessionName: "app", WebIdentityToken: "eyJh", ProviderId: p });
    assert.match(fails(WEB, web("abc")), /at 'providerId'/);
    assert.ok(read(WEB, web("www.amazon.com")));
  });
});

describe("GetFederationToken Name (2–32, [\\w+=,.@-]*)", () => {
  const GFT = stsActionParams.GetFederationToken;
  test("boundaries", () => {
    assert.equal(fails(GFT, {}), one(null, "name", "must not be null"));
    assert.equal(fails(GFT, { Name: "B" }), one("B", "name", "must have length greater than or equal to 2"));
    assert.ok(read(GFT, { Name: "Bo" }));
    assert.ok(read(GFT, { Name: "b".repeat(32) }));
    assert.equal(fails(GFT, { Name: "b".repeat(33) }), one("b".repeat(33), "name", "must have length less than or equal to 32"));
    assert.match(fails(GFT, { Name: "Bob Smith" }), /pattern/);
  });
});

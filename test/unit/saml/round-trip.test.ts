// encode → sign → verify → decode equals the original, for many generated identities (AWS profile),
// across signing modes; and the verifier rejects the XSW and expiry shapes a consumer must.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { buildResponse } from "../../../src/saml/response.ts";
import { encodeAwsAttributes, AWS_AUDIENCE } from "../../../src/saml/aws-profile.ts";
import { verifySamlResponse } from "../../../src/saml/verify.ts";
import { decodeAwsAssertion } from "../../../src/saml/decode.ts";
import { SamlError } from "../../../src/saml/errors.ts";
import type { FederatedIdentity } from "../../../src/claims/index.ts";
import { generateIdentity } from "../../helpers/identities.ts";
import { testKey, type TestKey } from "../../helpers/saml.ts";

const IDP = "http://localhost:4000";
const ACS = "https://signin.aws.amazon.com/saml";
const MODES = ["assertion", "response", "both"] as const;

describe("AWS profile round trip through XML and signatures", () => {
  let key: TestKey;
  before(async () => {
    key = await testKey("idp.test.invalid");
  });

  const build = (identity: FederatedIdentity, signMode: (typeof MODES)[number], now = new Date()) =>
    buildResponse({
      issuer: IDP,
      acsUrl: ACS,
      audience: AWS_AUDIENCE,
      nameId: identity.subject,
      nameIdFormat: identity.subjectFormat,
      attributes: encodeAwsAttributes(identity),
      authnInstant: identity.authTime,
      mfa: identity.mfa,
      sessionIndex: "_s",
      now,
      signMode,
      signer: { privateKey: key.privateKey, certificatePem: key.certificatePem },
    });
  const verify = (xml: string, now?: Date) =>
    verifySamlResponse(Buffer.from(xml).toString("base64"), { certificates: [key.certificatePem], issuer: IDP, audience: AWS_AUDIENCE, recipients: [ACS], now });

  test("decode(verify(sign(encode(identity)))) = identity, for 150 generated identities", async () => {
    let checked = 0;
    for (let i = 0; i < 170; i++) {
      const identity = generateIdentity(i, IDP);
      if (identity.roles.length === 0) continue; // the IdP refuses to assert no roles
      const { xml } = await build(identity, MODES[i % 3]!);
      const decoded = decodeAwsAssertion(verify(xml));
      assert.deepEqual(decoded, {
        subject: identity.subject,
        subjectFormat: identity.subjectFormat,
        issuer: identity.issuer,
        roles: identity.roles.map(({ roleArn, providerArn }) => ({ roleArn, providerArn })),
        roleSessionName: identity.roleSessionName,
        sessionDuration: identity.sessionDuration,
        sourceIdentity: identity.sourceIdentity,
        principalTags: identity.principalTags,
        transitiveTagKeys: identity.transitiveTagKeys,
        mfa: identity.mfa,
        authTime: identity.authTime,
      }, `identity #${i}`);
      checked++;
    }
    assert.ok(checked >= 140, `checked ${checked}`);
  });

  test("awkward characters survive canonical signing: quotes, &, <, >, tab, newline, CR, unicode", async () => {
    const awkward = `a"b'c&d<e>f\tg\nh\ri ü 日本 ]]> -->`;
    for (const signMode of MODES) {
      const { xml } = await buildResponse({
        issuer: IDP, acsUrl: ACS, audience: AWS_AUDIENCE, nameId: awkward, nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
        attributes: [{ name: `n"&<${awkward}`, nameFormat: awkward, values: [awkward, ""] }],
        authnInstant: new Date(), mfa: false, sessionIndex: `_s"&<\t`, now: new Date(), signMode,
        signer: { privateKey: key.privateKey, certificatePem: key.certificatePem },
      });
      const v = verify(xml);
      assert.equal(v.nameId, awkward);
      assert.deepEqual(v.attributes, [{ name: `n"&<${awkward}`, nameFormat: awkward, values: [awkward, ""] }]);
      assert.equal(v.sessionIndex, `_s"&<\t`);
    }
  });

  const rejects = (fn: () => unknown, reason: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof SamlError && reason.test(`${e.reason} ${e.message}`));

  test("rejected: expired, wrong audience, wrong recipient, wrong issuer, foreign key", async () => {
    const identity = generateIdentity(1, IDP);
    const { xml } = await build(identity, "assertion");
    rejects(() => verify(xml, new Date(Date.now() + 3600_000)), /expired/);
    rejects(() => verifySamlResponse(Buffer.from(xml).toString("base64"), { certificates: [key.certificatePem], issuer: IDP, audience: "urn:other", recipients: [ACS] }), /audience/);
    rejects(() => verifySamlResponse(Buffer.from(xml).toString("base64"), { certificates: [key.certificatePem], issuer: IDP, audience: AWS_AUDIENCE, recipients: ["https://x"] }), /recipient/);
    rejects(() => verifySamlResponse(Buffer.from(xml).toString("base64"), { certificates: [key.certificatePem], issuer: "https://other", audience: AWS_AUDIENCE, recipients: [ACS] }), /issuer/);
    const other = await testKey("other.invalid");
    rejects(() => verifySamlResponse(Buffer.from(xml).toString("base64"), { certificates: [other.certificatePem], issuer: IDP, audience: AWS_AUDIENCE, recipients: [ACS] }), /bad_signature/);
    rejects(() => verifySamlResponse(Buffer.from(xml).toString("base64"), { certificates: [], issuer: IDP, audience: AWS_AUDIENCE, recipients: [ACS] }), /bad_signature/);
  });

  test("rejected: XSW — an unsigned evil assertion beside or around the signed one", async () => {
    const { xml } = await build(generateIdentity(1, IDP), "assertion");
    const assertion = /<saml:Assertion [\s\S]*<\/saml:Assertion>/.exec(xml)![0];
    const evil = assertion.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, "").replace(/ID="[^"]+"/, 'ID="_evil"').replace(/role\/R0-[^,]+/, "role/Admin");
    rejects(() => verify(xml.replace(assertion, evil + assertion)), /exactly one Assertion/); // XSW3
    rejects(() => verify(xml.replace(assertion, evil)), /Neither the Response nor the Assertion is signed/);
    // XSW5 shape: the signed assertion's content edited in place
    rejects(() => verify(xml.replace(/<saml:AttributeValue>arn:aws:iam::/, '<saml:AttributeValue>arn:aws:iam::0')), /bad_signature/);
    // a comment inside the NameID does not change the digest: the whole text is read, never a prefix
    const withComment = xml.replace(/(<saml:NameID[^>]*>)([^<]{4})/, "$1$2<!--x-->");
    assert.equal(verify(withComment).nameId, generateIdentity(1, IDP).subject);
  });

  test("rejected: a response-signed message with a second, unsigned assertion appended", async () => {
    const { xml } = await build(generateIdentity(2, IDP), "response");
    const assertion = /<saml:Assertion [\s\S]*<\/saml:Assertion>/.exec(xml)![0];
    rejects(() => verify(xml.replace("</samlp:Response>", `${assertion.replace(/ID="[^"]+"/, 'ID="_two"')}</samlp:Response>`)), /bad_signature/);
  });
});

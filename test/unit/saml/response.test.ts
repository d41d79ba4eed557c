// The response builder against an independent SP implementation (@node-saml/node-saml): signed
// assertion, signed response, both, and encrypted (GCM and CBC); plus the escaping rule.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { buildResponse, type ResponseInput } from "../../../src/saml/response.ts";
import { encodeAwsAttributes } from "../../../src/saml/aws-profile.ts";
import { generateIdentity } from "../../helpers/identities.ts";
import { nodeSamlSp, testKey, type TestKey } from "../../helpers/saml.ts";

const IDP = "http://127.0.0.1:4000";
const SP = "https://sp.example.test/metadata";
const ACS = "https://sp.example.test/acs";

describe("response builder × node-saml", () => {
  let idpKey: TestKey;
  let spKey: TestKey;
  before(async () => {
    [idpKey, spKey] = await Promise.all([testKey("idp.test.invalid"), testKey()]);
  });

  const input = (over: Partial<ResponseInput> = {}): ResponseInput => {
    const identity = generateIdentity(3, IDP);
    return {
      issuer: IDP,
      acsUrl: ACS,
      audience: SP,
      nameId: identity.subject,
      nameIdFormat: identity.subjectFormat,
      attributes: encodeAwsAttributes(identity),
      authnInstant: new Date(Date.now() - 10_000),
      mfa: false,
      sessionIndex: "_s1",
      now: new Date(),
      signMode: "assertion",
      signer: { privateKey: idpKey.privateKey, certificatePem: idpKey.certificatePem },
      ...over,
    };
  };
  const sp = (o: { wantAuthnResponseSigned?: boolean; wantAssertionsSigned?: boolean; decrypt?: boolean } = {}) =>
    nodeSamlSp({ entityId: SP, acsUrl: ACS, idpSsoUrl: `${IDP}/saml/sso`, idpIssuer: IDP, idpCerts: [idpKey.certificatePem], decryptionKey: o.decrypt ? spKey : undefined, ...o });

  for (const signMode of ["assertion", "response", "both"] as const) {
    test(`signMode=${signMode}: node-saml accepts it and reads the attributes`, async () => {
      const { xml } = await buildResponse(input({ signMode }));
      const r = await sp({ wantAssertionsSigned: signMode !== "response", wantAuthnResponseSigned: signMode !== "assertion" }).validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString("base64") });
      assert.equal(r.loggedOut, false);
      const identity = generateIdentity(3, IDP);
      assert.equal(r.profile?.nameID, identity.subject);
      const roles = r.profile?.["https://aws.amazon.com/SAML/Attributes/Role"];
      assert.deepEqual(([] as unknown[]).concat(roles), identity.roles.map((x) => `${x.roleArn},${x.providerArn}`));
    });
  }

  for (const algorithm of ["aes256-gcm", "aes256-cbc"] as const) {
    test(`encrypted (${algorithm}): node-saml decrypts and verifies the signed assertion`, async () => {
      const { xml } = await buildResponse(input({ encryption: { certificate: spKey.certificatePem, algorithm } }));
      assert.match(xml, /<saml:EncryptedAssertion/);
      assert.doesNotMatch(xml, /<saml:Assertion /);
      const r = await sp({ decrypt: true }).validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString("base64") });
      assert.equal(r.profile?.nameID, generateIdentity(3, IDP).subject);
    });
  }

  test("a response signed by another key is refused by node-saml", async () => {
    const other = await testKey("evil.test.invalid");
    const { xml } = await buildResponse(input({ signer: { privateKey: other.privateKey, certificatePem: other.certificatePem } }));
    await assert.rejects(sp().validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString("base64") }));
  });
});

// Golden check of the AWS attribute profile on the wire (reference/sts.md §3) for a fixed identity:
// exact attribute names (case-sensitive), one Role value "role-arn,provider-arn" per role, single
// RoleSessionName / SessionDuration / SourceIdentity values, one PrincipalTag:<Key> attribute per
// tag, TransitiveTagKeys multi-valued, bearer confirmation to the AWS ACS, Audience urn:amazon:webservices.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { buildResponse } from "../../../src/saml/response.ts";
import { AWS_AUDIENCE, encodeAwsAttributes } from "../../../src/saml/aws-profile.ts";
import { NAMEID_PERSISTENT, type FederatedIdentity } from "../../../src/claims/index.ts";
import { testKey, type TestKey } from "../../helpers/saml.ts";

const P = "arn:aws:iam::111122223333:saml-provider/idp-gateway";
const identity: FederatedIdentity = {
  subject: "4b8e0c3a-1111-4222-8333-444455556666",
  subjectFormat: NAMEID_PERSISTENT,
  issuer: "https://idp.example.com",
  roles: [
    { roleArn: "arn:aws:iam::111122223333:role/Engineer", providerArn: P, maxSessionDuration: 14400 },
    { roleArn: "arn:aws:iam::111122223333:role/ReadOnly", providerArn: P, maxSessionDuration: 14400 },
  ],
  sessionDuration: 14400,
  roleSessionName: "alice",
  sourceIdentity: "alice",
  principalTags: { CostCenter: "1234", Department: "engineering" },
  transitiveTagKeys: ["CostCenter"],
  groups: ["admins", "engineering"],
  email: "alice@example.com",
  name: "Alice Example",
  mfa: false,
  authTime: new Date("2026-11-30T10:00:00Z"),
};

const U = 'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"';
const GOLDEN =
  "<saml:AttributeStatement>" +
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role" ${U}><saml:AttributeValue>arn:aws:iam::111122223333:role/Engineer,${P}</saml:AttributeValue><saml:AttributeValue>arn:aws:iam::111122223333:role/ReadOnly,${P}</saml:AttributeValue></saml:Attribute>` +
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName" ${U}><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>` +
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration" ${U}><saml:AttributeValue>14400</saml:AttributeValue></saml:Attribute>` +
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SourceIdentity" ${U}><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>` +
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter" ${U}><saml:AttributeValue>1234</saml:AttributeValue></saml:Attribute>` +
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:Department" ${U}><saml:AttributeValue>engineering</saml:AttributeValue></saml:Attribute>` +
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys" ${U}><saml:AttributeValue>CostCenter</saml:AttributeValue></saml:Attribute>` +
  "</saml:AttributeStatement>";

describe("AWS profile golden wire form", () => {
  let key: TestKey;
  before(async () => {
    key = await testKey();
  });

  test("attributes, subject confirmation and audience exactly as AWS reads them", async () => {
    const now = new Date("2026-11-30T10:00:05Z");
    const { xml } = await buildResponse({
      issuer: identity.issuer, acsUrl: "https://signin.aws.amazon.com/saml", audience: AWS_AUDIENCE, nameId: identity.subject, nameIdFormat: identity.subjectFormat,
      attributes: encodeAwsAttributes(identity), authnInstant: identity.authTime, mfa: false, sessionIndex: "_idx", now, signMode: "assertion",
      signer: { privateKey: key.privateKey, certificatePem: key.certificatePem },
    });
    assert.ok(xml.includes(GOLDEN), `attribute statement differs:\n${/<saml:AttributeStatement>.*<\/saml:AttributeStatement>/.exec(xml)?.[0]}`);
    assert.ok(xml.includes(`<saml:NameID Format="${NAMEID_PERSISTENT}">${identity.subject}</saml:NameID>`));
    assert.ok(xml.includes('<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2026-11-30T10:05:05Z" Recipient="https://signin.aws.amazon.com/saml"></saml:SubjectConfirmationData></saml:SubjectConfirmation>'));
    assert.ok(xml.includes('<saml:Conditions NotBefore="2026-11-30T09:59:05Z" NotOnOrAfter="2026-11-30T10:05:05Z"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions>'));
    assert.ok(xml.includes('Destination="https://signin.aws.amazon.com/saml"'));
    assert.ok(xml.includes('<saml:AuthnStatement AuthnInstant="2026-11-30T10:00:00Z" SessionIndex="_idx">'));
  });
});

// samlify (2.13.1) as a second independent SP: it reads our IdP metadata (certificate, endpoints)
// and accepts our signed responses, with its XSD validator (@authenio/samlify-node-xmllint) on.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as samlify from "samlify";
import * as xmllint from "@authenio/samlify-node-xmllint";
import { buildResponse } from "../../../src/saml/response.ts";
import { buildIdpMetadata } from "../../../src/saml/metadata.ts";
import { encodeGenericAttributes } from "../../../src/saml/generic-profile.ts";
import { generateIdentity } from "../../helpers/identities.ts";
import { testKey, type TestKey } from "../../helpers/saml.ts";
import type { PublicKeyInfo } from "../../../src/keys/index.ts";

const IDP = "http://localhost:4000";
const SP = "https://samlify-sp.example.test";
const ACS = `${SP}/acs`;

describe("samlify as SP", () => {
  let key: TestKey;
  before(async () => {
    key = await testKey("idp.test.invalid");
    samlify.setSchemaValidator(xmllint);
  });

  for (const signMode of ["assertion", "response", "both"] as const) {
    test(`accepts a response with signMode=${signMode}`, async () => {
      const certificateBase64 = key.certificatePem.replace(/-----[A-Z ]+-----|\s/g, "");
      const metadata = buildIdpMetadata(IDP, [{ kid: "k1", certificateBase64 } as PublicKeyInfo]);
      const idp = samlify.IdentityProvider({ metadata });
      const sp = samlify.ServiceProvider({
        entityID: SP,
        assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: ACS }],
        wantAssertionsSigned: signMode !== "response",
        wantMessageSigned: signMode !== "assertion",
      });
      const identity = generateIdentity(4, IDP);
      const { xml } = await buildResponse({
        issuer: IDP, acsUrl: ACS, audience: SP, nameId: identity.subject, nameIdFormat: identity.subjectFormat,
        attributes: encodeGenericAttributes(identity), authnInstant: new Date(), mfa: false, sessionIndex: "_s", now: new Date(), signMode,
        signer: { privateKey: key.privateKey, certificatePem: key.certificatePem },
      });
      const result = await sp.parseLoginResponse(idp, "post", { body: { SAMLResponse: Buffer.from(xml).toString("base64") } });
      assert.equal(result.extract.nameID, identity.subject);
      assert.equal(result.extract.attributes?.name, identity.name);
    });
  }
});

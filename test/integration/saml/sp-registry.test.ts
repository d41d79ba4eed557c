// SP registration from metadata: node-saml's own SP metadata imported through importSpMetadata
// (what `idp saml import-sp` runs), then SSO with encryption works against that SP unchanged.
// Bad metadata is refused with a clear message and nothing is stored.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { login } from "../../helpers/browser.ts";
import { type TestKey } from "../../helpers/saml.ts";
import { importSpMetadata, parseSpMetadata } from "../../../src/saml/sp-metadata.ts";
import { runCli } from "../../../src/cli/index.ts";
import { Invalid } from "../../../src/errors.ts";
import { local, samlResponseXml, sp, testKey } from "./setup.ts";

const ENTITY = "https://imported.example.test/sp";
const ACS = "https://imported.example.test/acs";

for (const backend of testBackends()) {
  describe(`SP registry from metadata (${backend})`, () => {
    let t: TestApp;
    let encKey: TestKey;
    let signKey: TestKey;
    before(async () => {
      t = await startTestApp(backend);
      [encKey, signKey] = await Promise.all([testKey("enc.invalid"), testKey("sign.invalid")]);
    });
    after(() => t.close());

    const nodeSp = () => sp(t, { entityId: ENTITY, acsUrl: ACS, decryptionKey: encKey, signingKey: signKey, inResponseTo: true, extra: { logoutUrl: "https://imported.example.test/slo", logoutCallbackUrl: "https://imported.example.test/slo" } });

    test("node-saml's metadata: entity ID, ACS, SLO, encryption certificate first, signing flag", () => {
      const parsed = parseSpMetadata(nodeSp().generateServiceProviderMetadata(encKey.certificatePem, signKey.certificatePem));
      assert.equal(parsed.entityId, ENTITY);
      assert.deepEqual(parsed.acsUrls, [ACS]);
      assert.equal(parsed.sloUrl, "https://imported.example.test/slo");
      assert.equal(parsed.wantAuthnRequestsSigned, true);
      assert.equal(parsed.certificates[0], encKey.certificatePem.replace(/-----[A-Z ]+-----|\s/g, ""));
      assert.equal(parsed.certificates.length, 2);
    });

    test("imported with encryption: signed SP-initiated SSO, encrypted assertion, node-saml accepts", async () => {
      const sp = await importSpMetadata(t.services.directory, nodeSp().generateServiceProviderMetadata(encKey.certificatePem, signKey.certificatePem), { name: "Imported", encryptAssertions: true }, "test");
      assert.equal(sp.wantAuthnRequestsSigned, true);
      const b = await login(t.request, "alice");
      const s = nodeSp();
      const page = await b.get(local(await s.getAuthorizeUrlAsync("", undefined, {})));
      const { xml, fields } = samlResponseXml(page.text);
      assert.match(xml, /EncryptedAssertion/);
      const r = await s.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
      assert.equal(r.profile?.name, "Alice Example");
      // re-import updates in place (same entity ID), keeping what the metadata does not say
      const again = await importSpMetadata(t.services.directory, nodeSp().generateServiceProviderMetadata(encKey.certificatePem, signKey.certificatePem), { name: "Imported again" }, "test");
      assert.equal(again.id, sp.id);
      assert.equal(again.encryptAssertions, true);
    });

    test("bad metadata is refused and nothing is stored", async () => {
      const before = (await t.services.directory.snapshot()).serviceProviders.length;
      const bad = [
        `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`,
        `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://x.example"/>`,
        `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://x.example"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="javascript:alert(1)" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`,
        "not xml",
      ];
      for (const xml of bad) await assert.rejects(importSpMetadata(t.services.directory, xml, {}, "test"), Invalid);
      assert.equal((await t.services.directory.snapshot()).serviceProviders.length, before);
    });

    test("idp saml import-sp: usage errors are exit 64", async () => {
      const lines: string[] = [];
      const io = { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l) };
      assert.equal(await runCli(["saml", "import-sp"], io), 64);
      assert.equal(await runCli(["saml", "import-sp", "x.xml", "--encrypt", "maybe"], io), 64);
      assert.equal(await runCli(["saml", "nope"], io), 64);
    });
  });
}

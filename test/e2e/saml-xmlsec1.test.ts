// xmlsec1 (libxmlsec, a C implementation independent of xml-crypto) verifies what we sign: the
// assertion, the response, and signed metadata; and refuses a tampered copy.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { buildResponse } from "../../src/saml/response.ts";
import { buildIdpMetadata } from "../../src/saml/metadata.ts";
import { encodeAwsAttributes } from "../../src/saml/aws-profile.ts";
import { generateIdentity } from "../helpers/identities.ts";
import { testKey, type TestKey } from "../helpers/saml.ts";

const run = promisify(execFile);

async function hasXmlsec1(): Promise<boolean> {
  try {
    await run("xmlsec1", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

describe("xmlsec1 verifies our signatures", () => {
  let dir: string;
  let key: TestKey;
  let available = false;
  before(async () => {
    available = await hasXmlsec1();
    if (!available && process.env.CI) throw new Error("xmlsec1 is not installed (the Debian package xmlsec1; .ci/run installs it)");
    dir = await mkdtemp(path.join(os.tmpdir(), "idp-xmlsec-"));
    key = await testKey("idp.test.invalid");
    await writeFile(path.join(dir, "cert.pem"), key.certificatePem);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function verify(xml: string, idAttr: string): Promise<boolean> {
    const file = path.join(dir, `m-${Math.random().toString(36).slice(2)}.xml`);
    await writeFile(file, xml);
    try {
      await run("xmlsec1", ["--verify", "--pubkey-cert-pem", path.join(dir, "cert.pem"), "--id-attr:ID", idAttr, file]);
      return true;
    } catch {
      return false;
    }
  }

  const response = (signMode: "assertion" | "response" | "both") => {
    const identity = generateIdentity(5);
    return buildResponse({
      issuer: "http://localhost:4000",
      acsUrl: "https://signin.aws.amazon.com/saml",
      audience: "urn:amazon:webservices",
      nameId: identity.subject,
      nameIdFormat: identity.subjectFormat,
      attributes: encodeAwsAttributes(identity),
      authnInstant: identity.authTime,
      mfa: true,
      sessionIndex: "_s",
      now: new Date(),
      signMode,
      signer: { privateKey: key.privateKey, certificatePem: key.certificatePem },
    });
  };

  test("a signed assertion verifies; a tampered one does not", async (t) => {
    if (!available) return t.skip("xmlsec1 is not installed (apt-get install -y xmlsec1)");
    const { xml } = await response("assertion");
    assert.equal(await verify(xml, "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"), true);
    assert.equal(await verify(xml.replace("<saml:Audience>urn:amazon:webservices<", "<saml:Audience>urn:amazon:webservicez<"), "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"), false);
  });

  test("a signed response verifies", async (t) => {
    if (!available) return t.skip("xmlsec1 is not installed (apt-get install -y xmlsec1)");
    const { xml } = await response("response");
    assert.equal(await verify(xml, "urn:oasis:names:tc:SAML:2.0:protocol:Response"), true);
  });

  test("signed metadata verifies", async (t) => {
    if (!available) return t.skip("xmlsec1 is not installed (apt-get install -y xmlsec1)");
    const xml = buildIdpMetadata("http://localhost:4000", [], { signer: { privateKey: key.privateKey, certificatePem: key.certificatePem } });
    assert.equal(await verify(xml, "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor"), true);
  });
});

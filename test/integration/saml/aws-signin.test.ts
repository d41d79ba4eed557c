// The local AWS sign-in at POST /aws/saml, with an in-test FederationExchange standing in for the
// STS: role chooser for several roles, straight through for one, the credentials page, the error
// page when the exchange refuses, and responses AWS would reject.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, csrfFrom, inputValue, login } from "../../helpers/browser.ts";
import { StsExchangeError, type AssumeRoleWithSamlInput, type FederationExchange } from "../../../src/sts/exchange.ts";
import { decodeEntities, testKey } from "../../helpers/saml.ts";
import { AWS_ACS, SP_ID, registerSp, samlResponseXml } from "./setup.ts";

const ACCOUNT = "111122223333";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/idp-gateway`;
const EXPIRES = new Date("2026-12-01T01:00:00Z");

/** An STS that is down: every exchange refused with ServiceUnavailable (503). */
class UnavailableExchange implements FederationExchange {
  async assumeRoleWithSAML(): Promise<never> {
    throw new StsExchangeError("ServiceUnavailable", "the STS backend is not configured", 503);
  }
  async assumeRoleWithWebIdentity(): Promise<never> {
    throw new StsExchangeError("ServiceUnavailable", "the STS backend is not configured", 503);
  }
}

class FakeExchange implements FederationExchange {
  calls: AssumeRoleWithSamlInput[] = [];
  refuse?: StsExchangeError;
  async assumeRoleWithSAML(input: AssumeRoleWithSamlInput) {
    this.calls.push(input);
    if (this.refuse) throw this.refuse;
    const role = input.roleArn.split("/").pop()!;
    return {
      credentials: { accessKeyId: "ASIAFAKEFAKEFAKE0001", secretAccessKey: "secret/with+chars", sessionToken: "token-value", expiration: EXPIRES },
      assumedRoleArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/alice`,
      assumedRoleId: `AROAFAKE:alice`,
    };
  }
  async assumeRoleWithWebIdentity(): Promise<never> {
    throw new Error("not used");
  }
}

for (const backend of testBackends()) {
  describe(`local AWS sign-in (${backend})`, () => {
    let t: TestApp;
    const fake = new FakeExchange();
    before(async () => {
      t = await startTestApp(backend);
      t.services.federation = fake;
      await registerSp(t, await testKey());
    });
    after(() => t.close());

    async function awsResponse(b: Browser, sp = "urn:amazon:webservices") {
      const page = await b.get(`/saml/idp-init?sp=${encodeURIComponent(sp)}`);
      return samlResponseXml(page.text).fields.SAMLResponse!;
    }

    test("several roles: a keyboard-usable chooser, then credentials as exports and a profile", async () => {
      fake.calls = [];
      const b = await login(t.request, "alice");
      const saml = await awsResponse(b);
      const chooser = await b.post("/aws/saml", { SAMLResponse: saml });
      assert.equal(chooser.status, 200);
      assert.match(chooser.text, /<h1 id="roles-title">Select a role<\/h1>/);
      assert.match(chooser.text, /<legend>Account: 111122223333<\/legend>/);
      const radios = [...chooser.text.matchAll(/<input type="radio" name="role" id="([^"]+)" value="([^"]+)"/g)];
      assert.deepEqual(radios.map((m) => m[2]).sort(), [`arn:aws:iam::${ACCOUNT}:role/Engineer`, `arn:aws:iam::${ACCOUNT}:role/ReadOnly`]);
      for (const [, id] of radios) assert.match(chooser.text, new RegExp(`<label for="${id}">`), "every radio has a label");
      assert.match(chooser.text, /checked autofocus/);
      assert.doesNotMatch(chooser.text, /<script|https?:\/\/(?!www\.w3\.org)[^"]*\.(css|js)/);
      assert.equal(fake.calls.length, 0, "no exchange before a role is chosen");

      const res = await b.post("/aws/saml/assume", { _csrf: csrfFrom(chooser.text), SAMLResponse: inputValue(chooser.text, "SAMLResponse")!, role: `arn:aws:iam::${ACCOUNT}:role/ReadOnly` });
      assert.equal(res.status, 200, res.text.slice(0, 500));
      assert.equal(res.headers["cache-control"], "no-store");
      const text = decodeEntities(res.text);
      assert.match(text, /export AWS_ACCESS_KEY_ID=ASIAFAKEFAKEFAKE0001\nexport AWS_SECRET_ACCESS_KEY=secret\/with\+chars\nexport AWS_SESSION_TOKEN=token-value/);
      assert.match(text, /\[111122223333-ReadOnly\]\n# expires 2026-12-01T01:00:00Z\naws_access_key_id = ASIAFAKEFAKEFAKE0001\naws_secret_access_key = secret\/with\+chars\naws_session_token = token-value/);
      assert.match(text, /expire at <strong><time datetime="2026-12-01T01:00:00Z">/);
      assert.equal(fake.calls.length, 1);
      assert.deepEqual({ roleArn: fake.calls[0]!.roleArn, principalArn: fake.calls[0]!.principalArn }, { roleArn: `arn:aws:iam::${ACCOUNT}:role/ReadOnly`, principalArn: PROVIDER });
      assert.equal(fake.calls[0]!.samlResponse, saml, "the response is passed on exactly as posted");
      const events = await t.services.audit.query({ action: "aws.signin", limit: 5 });
      assert.ok(events.some((e) => e.outcome === "success" && e.target === `arn:aws:iam::${ACCOUNT}:role/ReadOnly`));
    });

    test("one role: straight to the credentials", async () => {
      fake.calls = [];
      const b = await login(t.request, "bob");
      const res = await b.post("/aws/saml", { SAMLResponse: await awsResponse(b) });
      assert.equal(res.status, 200);
      assert.match(res.text, /export AWS_ACCESS_KEY_ID=/);
      assert.equal(fake.calls[0]!.roleArn, `arn:aws:iam::${ACCOUNT}:role/Finance`);
    });

    test("the exchange refuses: an error page with AWS's code, audited", async () => {
      fake.refuse = new StsExchangeError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403);
      try {
        const b = await login(t.request, "bob");
        const res = await b.post("/aws/saml", { SAMLResponse: await awsResponse(b) });
        assert.equal(res.status, 403);
        assert.match(res.text, /AWS refused the sign-in/);
        assert.match(res.text, /AccessDenied: Not authorized to perform sts:AssumeRoleWithSAML/);
        assert.doesNotMatch(res.text, /AWS_ACCESS_KEY_ID/);
        const events = await t.services.audit.query({ action: "aws.signin", outcome: "failure", limit: 5 });
        assert.ok(events.some((e) => (e.details as { code?: string }).code === "AccessDenied"));
      } finally {
        fake.refuse = undefined;
      }
    });

    test("without an STS backend (the placeholder): a 502 page naming ServiceUnavailable", async () => {
      t.services.federation = new UnavailableExchange();
      try {
        const b = await login(t.request, "bob");
        const res = await b.post("/aws/saml", { SAMLResponse: await awsResponse(b) });
        assert.equal(res.status, 502);
        assert.match(res.text, /ServiceUnavailable: the STS backend is not configured/);
      } finally {
        t.services.federation = fake;
      }
    });

    test("responses AWS would reject never reach the exchange", async () => {
      fake.calls = [];
      const b = await login(t.request, "alice");
      const good = await awsResponse(b);
      const xml = Buffer.from(good, "base64").toString("utf8");
      const cases: Array<[string, string, RegExp]> = [
        ["tampered role", Buffer.from(xml.replace("role/Engineer", "role/Admin")).toString("base64"), /signature/],
        ["another SP's response", await awsResponse(b, SP_ID), /audience|Recipient/],
        ["not base64", "%%%", /not base64/],
        ["doctype", Buffer.from(`<!DOCTYPE x [<!ENTITY a "b">]>${xml}`).toString("base64"), /DOCTYPE/],
        ["signature stripped", Buffer.from(xml.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, "")).toString("base64"), /Neither the Response nor the Assertion is signed/],
      ];
      for (const [name, samlResponse, message] of cases) {
        const res = await b.post("/aws/saml", { SAMLResponse: samlResponse });
        assert.equal(res.status, 400, name);
        assert.match(res.text, /AWS sign-in failed/, name);
        assert.match(res.text, message, name);
      }
      assert.equal(fake.calls.length, 0);
      // a role the assertion does not offer, and a missing CSRF token
      const chooser = await b.post("/aws/saml", { SAMLResponse: good });
      const bad = await b.post("/aws/saml/assume", { _csrf: csrfFrom(chooser.text), SAMLResponse: good, role: `arn:aws:iam::${ACCOUNT}:role/Finance` });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Choose one of the roles/);
      const noCsrf = await b.post("/aws/saml/assume", { SAMLResponse: good, role: `arn:aws:iam::${ACCOUNT}:role/Engineer` });
      assert.equal(noCsrf.status, 403);
      assert.equal(fake.calls.length, 0);
      assert.equal(AWS_ACS.endsWith("/aws/saml"), true);
    });
  });
}

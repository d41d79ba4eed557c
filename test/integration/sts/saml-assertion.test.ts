// security.md §1.7–1.10 and sts.md §3: what a correctly signed assertion must also satisfy —
// issuer, recipient, audience, destination, subject confirmation, time bounds, role pair, the
// AWS attributes — and one-time use of the assertion ID (DB-backed: also across instances).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { ENGINEER, FINANCE, b64, mintSamlResponse, samlCall, samlResponseXml, signSaml, type SamlOptions, type StsReply } from "../../helpers/sts.ts";
import { CLOCK_SKEW_MS } from "../../../src/sts/providers/index.ts";

function rejected(r: StsReply, code = "InvalidIdentityToken", status = 400): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.code, code, r.text);
}

for (const backend of testBackends()) {
  describe(`AssumeRoleWithSAML assertion checks (${backend})`, () => {
    let t: TestApp;
    const mint = (o: SamlOptions & Parameters<typeof signSaml>[2] = {}) => mintSamlResponse(t.services, o);
    const call = (o: SamlOptions = {}) => samlCall(t.request, mint(o));
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    describe("audience, recipient, destination, subject confirmation", () => {
      test("Audience not AWS's", async () => rejected(await call({ audiences: [["https://evil.example/sp"]] })));
      test("two AudienceRestrictions, one failing", async () => rejected(await call({ audiences: [["urn:amazon:webservices"], ["https://evil.example/sp"]] })));
      test("one restriction with several audiences, one matching (OK)", async () => {
        assert.equal((await call({ audiences: [["https://other", "urn:amazon:webservices"]] })).status, 200);
      });
      test("Recipient not an AWS sign-in endpoint", async () => rejected(await call({ recipient: "https://evil.example/acs" })));
      test("regional and local recipients are accepted; saml:aud is the Recipient", async () => {
        const r = await call({ recipient: "https://us-east-2.signin.aws.amazon.com/saml" });
        assert.equal(r.status, 403, "the demo trust policy only allows the global endpoint and the local ACS as SAML:aud");
        const local = await call({ recipient: `${t.config.baseUrl}/aws/saml` });
        assert.equal(local.status, 200, local.text);
        assert.equal(local.field("Audience"), `${t.config.baseUrl}/aws/saml`);
      });
      test("Destination present and wrong", async () => rejected(await call({ destination: "https://evil.example/acs" })));
      test("no Destination (OK)", async () => assert.equal((await call({ destination: null })).status, 200));
      test("Method other than bearer", async () => rejected(await call({ method: "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key" })));
      test("no SubjectConfirmation, and two", async () => {
        rejected(await call({ subjectConfirmations: 0 }));
        rejected(await call({ subjectConfirmations: 2 }));
      });
      test("Issuer not the provider's", async () => {
        const r = await call({ issuer: "https://evil.example/idp" });
        rejected(r);
        assert.match(r.message!, /Issuer not present in specified provider/);
      });
      test("no NameID → AccessDenied", async () => {
        const xml = samlResponseXml(t.config.baseUrl).replace(/<saml:NameID[^>]*>[^<]*<\/saml:NameID>/, "");
        rejected(await samlCall(t.request, b64(signSaml(t.services, xml))), "AccessDenied", 403);
      });
    });

    describe("time", () => {
      const now = Date.now();
      test("NotBefore beyond the skew", async () => rejected(await call({ notBefore: Date.now() + CLOCK_SKEW_MS + 5000 })));
      test("expired beyond the skew → ExpiredTokenException", async () => {
        rejected(await call({ now: now - 600_000, lifetime: 300 }), "ExpiredTokenException");
      });
      test("no Conditions", async () => rejected(await call({ conditions: false })));
      test("IssueInstant in the future", async () => rejected(await call({ now: Date.now() + 10 * 60_000 })));
      test("unparseable or offset times fail closed", async () => {
        for (const bad of ["2026-13-45T00:00:00Z", "2030-01-01T00:00:00", "2030-01-01T00:00:00+01:00", "garbage"]) {
          const xml = samlResponseXml(t.config.baseUrl).replace(/NotOnOrAfter="[^"]*"/g, `NotOnOrAfter="${bad}"`);
          rejected(await samlCall(t.request, b64(signSaml(t.services, xml))));
        }
      });
      test("SessionNotOnOrAfter in the past", async () => rejected(await call({ sessionNotOnOrAfter: Date.now() - 1000 }), "ExpiredTokenException"));
      test("SessionNotOnOrAfter shortens the credentials", async () => {
        const r = await call({ sessionNotOnOrAfter: Date.now() + 1200_000 });
        assert.equal(r.status, 200);
        const exp = Date.parse(r.field("Expiration")!);
        assert.ok(exp <= Date.now() + 1200_000 && exp > Date.now() + 1100_000);
      });
      test("assertions valid for more than a day are refused", async () => rejected(await call({ lifetime: 2 * 86400 })));
    });

    describe("role pair, attributes, durations", () => {
      test("RoleArn not offered by the assertion → AccessDenied", async () => rejected(await samlCall(t.request, mint(), FINANCE), "AccessDenied", 403));
      test("role-first and provider-first Role values both work", async () => {
        const attr = (v: string) =>
          `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>${v}</saml:AttributeValue></saml:Attribute>` +
          `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>`;
        const provider = "arn:aws:iam::111122223333:saml-provider/idp-gateway";
        assert.equal((await call({ attributesXml: attr(`${provider},${ENGINEER}`) })).status, 200);
        assert.equal((await call({ attributesXml: attr(`${ENGINEER},${provider}`) })).status, 200);
      });
      test("RoleSessionName missing or invalid → InvalidIdentityToken", async () => {
        const role = `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>${ENGINEER},arn:aws:iam::111122223333:saml-provider/idp-gateway</saml:AttributeValue></saml:Attribute>`;
        rejected(await call({ attributesXml: role }));
        rejected(await call({ attributesXml: role + `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>a b</saml:AttributeValue></saml:Attribute>` }));
      });
      test("unknown provider ARN → InvalidIdentityToken", async () => {
        rejected(await samlCall(t.request, mint(), ENGINEER, "arn:aws:iam::111122223333:saml-provider/nope"));
      });
      test("DurationSeconds above the role's MaxSessionDuration → ValidationError", async () => {
        const r = await t.request.post("/sts").type("form").send({
          Action: "AssumeRoleWithSAML", Version: "2011-06-15", RoleArn: ENGINEER, PrincipalArn: "arn:aws:iam::111122223333:saml-provider/idp-gateway", SAMLAssertion: mint(), DurationSeconds: String(4 * 3600 + 1),
        });
        assert.equal(r.status, 400);
        assert.match(r.text, /<Code>ValidationError<\/Code>/);
        assert.match(r.text, /exceeds the MaxSessionDuration set for this role/);
      });
      test("malformed session policy → MalformedPolicyDocument; policy + tags over the packed limit → PackedPolicyTooLarge", async () => {
        const base = { Action: "AssumeRoleWithSAML", Version: "2011-06-15", RoleArn: ENGINEER, PrincipalArn: "arn:aws:iam::111122223333:saml-provider/idp-gateway" };
        const bad = await t.request.post("/sts").type("form").send({ ...base, SAMLAssertion: mint(), Policy: "{not json" });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /<Code>MalformedPolicyDocument<\/Code>/);
        // random resource names do not compress: ~2,000 characters of them exceed the packed limit
        const resources: string[] = [];
        const doc = () => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: resources }] });
        while (doc().length < 1950) resources.push(`arn:aws:s3:::${randomBytes(12).toString("hex")}/*`);
        const policy = doc();
        const tooBig = await t.request.post("/sts").type("form").send({ ...base, SAMLAssertion: mint(), Policy: policy });
        assert.equal(tooBig.status, 400, tooBig.text);
        assert.match(tooBig.text, /<Code>PackedPolicyTooLarge<\/Code>/);
      });
    });

    describe("replay (one-time assertion IDs)", () => {
      test("the same response twice: the second is refused and writes nothing", async () => {
        const saml = mint();
        assert.equal((await samlCall(t.request, saml)).status, 200);
        const before = await t.services.db.prisma.stsSession.count();
        const again = await samlCall(t.request, saml);
        rejected(again);
        assert.match(again.message!, /already been used/);
        assert.equal(await t.services.db.prisma.stsSession.count(), before);
      });
      test("the same signed assertion re-wrapped in a new Response ID", async () => {
        const signed = signSaml(t.services, samlResponseXml(t.config.baseUrl));
        assert.equal((await samlCall(t.request, b64(signed))).status, 200);
        rejected(await samlCall(t.request, b64(signed.replace(/<samlp:Response([^>]*) ID="[^"]*"/, '<samlp:Response$1 ID="_rewrapped"'))));
      });
      if (backend === "postgres") {
        test("a replay on another instance is refused too", async () => {
          const other = await t.startAnother();
          try {
            const saml = mint();
            assert.equal((await samlCall(t.request, saml)).status, 200);
            rejected(await samlCall(other.request, saml));
          } finally {
            await other.close();
          }
        });
      }
      test("with IDP_STS_SAML_REPLAY=false a reused assertion is accepted (AWS tolerates reuse)", async () => {
        const lax = await startTestApp(backend, { env: { IDP_STS_SAML_REPLAY: "false" } });
        try {
          const saml = mintSamlResponse(lax.services);
          assert.equal((await samlCall(lax.request, saml)).status, 200);
          assert.equal((await samlCall(lax.request, saml)).status, 200);
        } finally {
          await lax.close();
        }
      });
    });
  });
}

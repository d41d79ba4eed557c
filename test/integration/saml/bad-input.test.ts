// Every bad input from the issue: a SAML error status to the SP (only once its registered ACS URL
// is established) or a clear HTML page, an audit event each, never a stack trace.
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, login, type Response } from "../../helpers/browser.ts";
import type { TestKey } from "../../helpers/saml.ts";
import { IDP, SP_ACS, SP_ID, registerSp, samlResponseXml, sp, testKey } from "./setup.ts";
import { authnRequestXml, redirectUrl } from "./requests.ts";

const SIGNED_SP = "https://signed-sp.example.test";
const SIGNED_ACS = `${SIGNED_SP}/acs`;

for (const backend of testBackends()) {
  describe(`SAML bad input (${backend})`, () => {
    let t: TestApp;
    let spKey: TestKey;
    let evilKey: TestKey;
    let alice: Browser;
    before(async () => {
      t = await startTestApp(backend);
      [spKey, evilKey] = await Promise.all([testKey(), testKey("evil.invalid")]);
      await registerSp(t, spKey);
      await t.services.directory.createServiceProvider({ entityId: SIGNED_SP, name: "Signed SP", acsUrls: [SIGNED_ACS], certificates: [spKey.certificatePem], wantAuthnRequestsSigned: true }, "test");
      alice = await login(t.request, "alice");
    });
    after(() => t.close());

    /** the last saml.sso failure event, which must carry this reason */
    async function audited(reason: string) {
      const events = await t.services.audit.query({ action: "saml.sso", outcome: "failure", limit: 5 });
      assert.ok(events.some((e) => (e.details as { reason?: string }).reason === reason), `an audit event with reason ${reason}; got ${JSON.stringify(events.map((e) => e.details))}`);
    }
    function htmlPage(res: Response, status: number, text: RegExp) {
      assert.equal(res.status, status, res.text.slice(0, 400));
      assert.match(res.headers["content-type"]!, /text\/html/);
      assert.match(res.text, text);
      assert.doesNotMatch(res.text, /SAMLResponse|at .*\.ts:\d+/, "no response form, no stack trace");
    }
    function statusToAcs(res: Response, acs: string, sub: string) {
      assert.equal(res.status, 200, res.text.slice(0, 400));
      const { action, xml } = samlResponseXml(res.text);
      assert.equal(action, acs);
      assert.match(xml, new RegExp(`StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:${sub}"`));
      assert.doesNotMatch(xml, /<saml:Assertion/);
      return xml;
    }

    test("unknown SP → HTML page, audited", async () => {
      htmlPage(await alice.get(redirectUrl(authnRequestXml({ issuer: "https://stranger.example" }))), 403, /not registered here/);
      await audited("unknown_sp");
    });

    test("no Issuer → HTML page", async () => {
      htmlPage(await alice.get(redirectUrl(authnRequestXml({ issuer: null }))), 403, /no Issuer/);
      await audited("unknown_sp");
    });

    test("an ACS URL that is not registered → HTML page; nothing is sent to that URL", async () => {
      const res = await alice.get(redirectUrl(authnRequestXml({ acsUrl: "https://evil.example/acs" })));
      htmlPage(res, 403, /AssertionConsumerServiceURL is not registered/);
      assert.ok(!res.text.includes("evil.example"));
      await audited("unregistered_acs");
    });

    test("an ACS index out of range → HTML page", async () => {
      htmlPage(await alice.get(redirectUrl(authnRequestXml({ acsUrl: null, extra: "" }).replace("<samlp:AuthnRequest ", '<samlp:AuthnRequest AssertionConsumerServiceIndex="7" '))), 403, /Index is not registered/);
    });

    test("signature required but missing → RequestDenied to the registered ACS", async () => {
      statusToAcs(await alice.get(redirectUrl(authnRequestXml({ issuer: SIGNED_SP, acsUrl: SIGNED_ACS }))), SIGNED_ACS, "RequestDenied");
      await audited("bad_signature");
    });

    test("signature by another key → RequestDenied; by the SP's key → accepted", async () => {
      statusToAcs(await alice.get(redirectUrl(authnRequestXml({ issuer: SIGNED_SP, acsUrl: SIGNED_ACS }), { signWith: evilKey })), SIGNED_ACS, "RequestDenied");
      await audited("bad_signature");
      const ok = await alice.get(redirectUrl(authnRequestXml({ issuer: SIGNED_SP, acsUrl: SIGNED_ACS }), { signWith: spKey, relayState: "r" }));
      assert.match(samlResponseXml(ok.text).xml, /<saml:Assertion/);
    });

    test("a valid signature over a request whose RelayState was changed afterwards → RequestDenied", async () => {
      const url = redirectUrl(authnRequestXml({ issuer: SIGNED_SP, acsUrl: SIGNED_ACS }), { signWith: spKey, relayState: "good" });
      statusToAcs(await alice.get(url.replace("RelayState=good", "RelayState=evil")), SIGNED_ACS, "RequestDenied");
    });

    test("SigAlg rsa-sha1 (downgrade) or an unknown SigAlg → RequestDenied", async () => {
      for (const sigAlg of ["http://www.w3.org/2000/09/xmldsig#rsa-sha1", "bogus"]) {
        statusToAcs(await alice.get(redirectUrl(authnRequestXml({ issuer: SIGNED_SP, acsUrl: SIGNED_ACS }), { signWith: spKey, sigAlg })), SIGNED_ACS, "RequestDenied");
      }
    });

    test("node-saml's signed Redirect and POST requests verify (positive control)", async () => {
      for (const binding of ["HTTP-Redirect", "HTTP-POST"] as const) {
        const nodeSp = sp(t, { entityId: SIGNED_SP, acsUrl: SIGNED_ACS, signingKey: spKey, inResponseTo: true, extra: { authnRequestBinding: binding } });
        let res: Response;
        if (binding === "HTTP-Redirect") res = await alice.get(new URL(await nodeSp.getAuthorizeUrlAsync("", undefined, {})).pathname + new URL(await nodeSp.getAuthorizeUrlAsync("", undefined, {})).search);
        else res = await alice.post("/saml/sso", { SAMLRequest: /name="SAMLRequest" value="([^"]+)"/.exec(await nodeSp.getAuthorizeFormAsync(""))![1]! });
        await nodeSp.validatePostResponseAsync({ SAMLResponse: samlResponseXml(res.text).fields.SAMLResponse! });
      }
    });

    test("a signed POST request whose ACS URL was edited after signing → RequestDenied", async () => {
      await t.services.directory.updateServiceProvider(
        (await t.services.directory.snapshot()).spByEntityId.get(SIGNED_SP)!.id,
        (await t.services.directory.snapshot()).spByEntityId.get(SIGNED_SP)!.version,
        { acsUrls: [SIGNED_ACS, `${SIGNED_ACS}/2`] },
        "test",
      );
      const nodeSp = sp(t, { entityId: SIGNED_SP, acsUrl: SIGNED_ACS, signingKey: spKey, extra: { authnRequestBinding: "HTTP-POST", skipRequestCompression: true } });
      const b64 = /name="SAMLRequest" value="([^"]+)"/.exec(await nodeSp.getAuthorizeFormAsync(""))![1]!;
      const tampered = Buffer.from(b64, "base64").toString("utf8").replace(`AssertionConsumerServiceURL="${SIGNED_ACS}"`, `AssertionConsumerServiceURL="${SIGNED_ACS}/2"`);
      assert.ok(tampered.includes(`${SIGNED_ACS}/2`));
      const res = await alice.post("/saml/sso", { SAMLRequest: Buffer.from(tampered).toString("base64") });
      statusToAcs(res, `${SIGNED_ACS}/2`, "RequestDenied");
      await audited("bad_signature");
    });

    test("stale and future IssueInstant → RequestDenied", async () => {
      statusToAcs(await alice.get(redirectUrl(authnRequestXml({ issueInstant: new Date(Date.now() - 10 * 60_000) }))), SP_ACS, "RequestDenied");
      await audited("stale");
      statusToAcs(await alice.get(redirectUrl(authnRequestXml({ issueInstant: new Date(Date.now() + 10 * 60_000) }))), SP_ACS, "RequestDenied");
      statusToAcs(await alice.get(redirectUrl(authnRequestXml({ issueInstant: "2026-13-45T00:00:00Z" }))), SP_ACS, "RequestDenied");
    });

    test("a replayed request → RequestDenied, also on another instance (postgres)", async () => {
      const url = redirectUrl(authnRequestXml());
      assert.match(samlResponseXml((await alice.get(url)).text).xml, /<saml:Assertion/);
      statusToAcs(await alice.get(url), SP_ACS, "RequestDenied");
      await audited("replay");
      if (backend === "postgres") {
        const other = await t.startAnother();
        try {
          const url2 = redirectUrl(authnRequestXml());
          assert.match(samlResponseXml((await alice.get(url2)).text).xml, /<saml:Assertion/);
          statusToAcs(await alice.on(other.request).get(url2), SP_ACS, "RequestDenied");
        } finally {
          await other.close();
        }
      }
    });

    test("DOCTYPE, entities, XXE and billion laughs are refused before parsing", async () => {
      const payloads = [
        `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>`,
        `<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">`,
        `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>`,
      ];
      for (const prolog of payloads) htmlPage(await alice.get(redirectUrl(authnRequestXml({ prolog }))), 400, /DOCTYPE or entity/);
      htmlPage(await alice.post("/saml/sso", { SAMLRequest: Buffer.from(authnRequestXml({ prolog: payloads[0] })).toString("base64") }), 400, /DOCTYPE/);
      await audited("doctype");
    });

    test("a deflate bomb stops at the inflate cap", async () => {
      // 5 MiB of spaces deflate to ~5 kB: small enough for a URL, 20× the inflate cap
      const bomb = deflateRawSync(Buffer.alloc(5 * 1024 * 1024, 0x20), { level: 9 });
      assert.ok(bomb.length < 8_000);
      htmlPage(await alice.get(redirectUrl(bomb, { raw: true })), 400, /inflates to more than/);
      await audited("deflate_bomb");
    });

    test("oversized messages: a long query and a large POST body", async () => {
      htmlPage(await alice.post("/saml/sso", { SAMLRequest: "A".repeat(150_000) }), 400, /larger than 100000 characters/);
      await audited("oversized");
      htmlPage(await alice.post("/saml/sso", { SAMLRequest: "A".repeat(300_000) }), 413, /too large/);
      // a query string beyond Node's header limit never reaches the app: 431, no crash
      assert.equal((await alice.get(`/saml/sso?SAMLRequest=${"A".repeat(120_000)}`)).status, 431);
    });

    test("malformed: not base64, not deflate, not XML, two roots, wrong root, deep nesting", async () => {
      htmlPage(await alice.get("/saml/sso?SAMLRequest=%25%25%25"), 400, /not base64/);
      htmlPage(await alice.get(`/saml/sso?SAMLRequest=${encodeURIComponent(Buffer.from("plain text").toString("base64"))}`), 400, /not DEFLATE/);
      htmlPage(await alice.get(redirectUrl("<samlp:AuthnRequest")), 400, /not well-formed/);
      htmlPage(await alice.get(redirectUrl(authnRequestXml() + authnRequestXml())), 400, /not well-formed|exactly one root/);
      htmlPage(await alice.get(redirectUrl("<x/>")), 400, /not an AuthnRequest/);
      htmlPage(await alice.get(redirectUrl(authnRequestXml({ extra: "<a>".repeat(200) + "</a>".repeat(200) }))), 400, /nested too deeply/);
      htmlPage(await alice.get("/saml/sso"), 400, /SAMLRequest is missing/);
      htmlPage(await alice.get(`${redirectUrl(authnRequestXml())}&SAMLRequest=x`), 400, /more than once/);
      await audited("malformed");
    });

    test("a Destination other than our SSO URL → RequestDenied", async () => {
      statusToAcs(await alice.get(redirectUrl(authnRequestXml().replace(`Destination="${IDP}/saml/sso"`, 'Destination="https://other-idp.example/sso"'))), SP_ACS, "RequestDenied");
      await audited("destination");
    });

    test("an SP that wants encryption but has no certificate: a page, never a clear-text assertion", async () => {
      await t.services.directory.createServiceProvider({ entityId: "https://enc-nocert.example", name: "No cert", acsUrls: ["https://enc-nocert.example/acs"], encryptAssertions: true }, "test");
      htmlPage(await alice.get(`/saml/idp-init?sp=${encodeURIComponent("https://enc-nocert.example")}`), 500, /requires encrypted assertions/);
    });

    test("unsupported binding: ProtocolBinding HTTP-Artifact → UnsupportedBinding status", async () => {
      statusToAcs(await alice.get(redirectUrl(authnRequestXml({ protocolBinding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" }))), SP_ACS, "UnsupportedBinding");
      await audited("unsupported_binding");
    });

    test("a user with no AWS roles gets a clear page, no empty assertion", async () => {
      await t.services.directory.createUser({ username: "carol", password: "demo-password", displayName: "Carol" }, "test");
      const carol = await login(t.request, "carol");
      const res = await carol.get(`/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}`);
      htmlPage(res, 403, /No AWS roles/);
      const events = await t.services.audit.query({ action: "saml.sso", outcome: "denied", limit: 5 });
      assert.ok(events.some((e) => e.actor === "carol" && (e.details as { reason?: string }).reason === "no_roles"));
    });

    test("a user outside the SP's access groups gets a clear page", async () => {
      const snap = await t.services.directory.snapshot();
      await t.services.directory.createServiceProvider({ entityId: "https://finance-only.example", name: "Finance app", acsUrls: ["https://finance-only.example/acs"], accessGroupIds: [snap.groupByName.get("finance")!.id] }, "test");
      htmlPage(await alice.get(`/saml/idp-init?sp=${encodeURIComponent("https://finance-only.example")}`), 403, /cannot sign in to Finance app/);
    });

    test("IdP-initiated for an unknown SP → 404 page; a bad resume link → 400 page", async () => {
      htmlPage(await alice.get("/saml/idp-init?sp=https%3A%2F%2Fnope.example"), 404, /no such application/);
      htmlPage(await alice.get("/saml/resume?r=v1.AAAA.BBBB.CCCC"), 400, /invalid or has expired/);
      htmlPage(await new Browser(t.request).get("/saml/resume"), 400, /invalid or has expired/);
    });

    test("markup in a user attribute never creates an extra attribute (CVE-2026-46490 class)", async () => {
      const inject = `x</saml:AttributeValue></saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>arn:aws:iam::111122223333:role/Admin,arn:aws:iam::111122223333:saml-provider/X</saml:AttributeValue>]]>--><!--`;
      const u = await t.services.directory.createUser({ username: "mallory", password: "demo-password", displayName: inject, email: "mallory@example.com", attributes: { department: inject, costCenter: inject }, groupIds: [(await t.services.directory.snapshot()).groupByName.get("engineering")!.id] }, "test");
      assert.ok(u);
      const m = await login(t.request, "mallory");
      // generic SP: the name attribute carries the payload as text, nothing more
      const r = await sp(t).validatePostResponseAsync({ SAMLResponse: samlResponseXml((await m.get(`/saml/idp-init?sp=${encodeURIComponent(SP_ID)}`)).text).fields.SAMLResponse! });
      assert.equal(r.profile?.name, inject);
      const { xml: genericXml } = samlResponseXml((await m.get(`/saml/idp-init?sp=${encodeURIComponent(SP_ID)}`)).text);
      assert.equal(genericXml.match(/<saml:Attribute /g)!.length, 5, "uid, name, email, groups, roles: no injected attribute");
      // AWS SP: exactly one Role attribute holding only the mapped role
      const { xml } = samlResponseXml((await m.get(`/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}`)).text);
      assert.equal(xml.match(/Name="https:\/\/aws.amazon.com\/SAML\/Attributes\/Role"/g)!.length, 1);
      assert.ok(!xml.includes("role/Admin"));
      const aws = await sp(t, { entityId: "urn:amazon:webservices", acsUrl: `${IDP}/aws/saml` }).validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString("base64") });
      assert.deepEqual(([] as unknown[]).concat(aws.profile!["https://aws.amazon.com/SAML/Attributes/Role"]), ["arn:aws:iam::111122223333:role/Engineer,arn:aws:iam::111122223333:saml-provider/idp-gateway"]);
    });
  });
}

// SAML SSO end to end through the app: metadata; IdP-initiated and SP-initiated flows validated by
// an independent SP (@node-saml/node-saml), signed and encrypted; ForceAuthn, IsPassive, RelayState.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, login } from "../../helpers/browser.ts";
import { parseXml, NS } from "../../../src/saml/xml.ts";
import { verifyElementSignature } from "../../../src/saml/signing.ts";
import { AWS_ACS, IDP, SP_ACS, SP_ID, follow, local, registerSp, samlResponseXml, sp, testKey } from "./setup.ts";
import type { TestKey } from "../../helpers/saml.ts";

for (const backend of testBackends()) {
  describe(`SAML SSO (${backend})`, () => {
    let t: TestApp;
    let spKey: TestKey;
    before(async () => {
      t = await startTestApp(backend);
      spKey = await testKey();
      await registerSp(t, spKey);
    });
    after(() => t.close());

    test("metadata: entityID, both bindings for SSO and SLO, NameID formats, every published certificate", async () => {
      const res = await t.request.get("/saml/metadata");
      assert.equal(res.status, 200);
      assert.match(res.headers["content-type"]!, /application\/samlmetadata\+xml/);
      const doc = parseXml(res.text, "metadata");
      const root = doc.documentElement!;
      assert.equal(root.getAttribute("entityID"), IDP);
      const sso = Array.from(doc.getElementsByTagNameNS(NS.md, "SingleSignOnService") as unknown as Element[]);
      assert.deepEqual(sso.map((e) => e.getAttribute("Binding")).sort(), ["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"]);
      assert.ok(sso.every((e) => e.getAttribute("Location") === `${IDP}/saml/sso`));
      assert.equal(doc.getElementsByTagNameNS(NS.md, "SingleLogoutService").length, 2);
      const certs = Array.from(doc.getElementsByTagNameNS(NS.ds, "X509Certificate") as unknown as Element[]).map((e) => e.textContent);
      const published = t.services.keys.publishedKeys();
      assert.equal(published.length, 2, "active and next key are both published");
      assert.deepEqual(certs.sort(), published.map((k) => k.certificateBase64).sort());
      assert.ok(doc.getElementsByTagNameNS(NS.md, "NameIDFormat").length >= 2);
      // signed on request, with the signature as the EntityDescriptor's first child, verifiable
      const signed = await t.request.get("/saml/metadata?signed=true");
      const sdoc = parseXml(signed.text, "signed metadata");
      const first = sdoc.documentElement!.firstChild as Element;
      assert.equal(first.localName, "Signature");
      const activeCert = t.services.keys.activeKey().certificatePem;
      assert.ok(verifyElementSignature(signed.text, sdoc.documentElement!, [activeCert], "metadata").length > 0);
    });

    test("metadata after a rotation still lists the retired key (overlap)", async () => {
      const before = t.services.keys.activeKey().kid;
      await t.services.keys.rotate("test");
      const res = await t.request.get("/saml/metadata");
      assert.match(res.text, new RegExp(t.services.keys.publishedKeys().find((k) => k.kid === before)!.certificateBase64.slice(0, 60).replace(/[+/]/g, "\\$&")));
      assert.equal(t.services.keys.publishedKeys().length, 3);
    });

    test("IdP-initiated to AWS: node-saml accepts the response; attributes follow reference/sts.md §3", async () => {
      const b = await login(t.request, "alice");
      const res = await b.get(`/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}&RelayState=console`);
      assert.equal(res.status, 200);
      assert.match(res.headers["content-security-policy"]!, new RegExp(`form-action ${IDP.replace(/[./]/g, "\\$&")}`));
      const { action, xml, fields } = samlResponseXml(res.text);
      assert.equal(action, AWS_ACS);
      assert.equal(fields.RelayState, "console");
      const awsSp = sp(t, { entityId: "urn:amazon:webservices", acsUrl: AWS_ACS });
      const r = await awsSp.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
      const p = r.profile!;
      const alice = (await t.services.directory.findUserByUsername("alice"))!;
      assert.equal(p.nameID, alice.id);
      assert.equal(p.nameIDFormat, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
      const A = "https://aws.amazon.com/SAML/Attributes/";
      const provider = "arn:aws:iam::111122223333:saml-provider/idp-gateway";
      assert.deepEqual(([] as unknown[]).concat(p[`${A}Role`]).sort(), [`arn:aws:iam::111122223333:role/Engineer,${provider}`, `arn:aws:iam::111122223333:role/ReadOnly,${provider}`]);
      assert.equal(p[`${A}RoleSessionName`], "alice");
      assert.equal(p[`${A}PrincipalTag:Department`], "engineering");
      assert.equal(p[`${A}PrincipalTag:CostCenter`], "1234");
      assert.equal(p[`${A}TransitiveTagKeys`], "CostCenter");
      assert.match(String(p[`${A}SourceIdentity`]), /^[\w+=,.@-]{2,64}$/);
      assert.match(String(p[`${A}SessionDuration`]), /^\d+$/);
      // wire details AWS checks: Audience, Recipient, Destination, bearer, no InResponseTo
      assert.match(xml, /<saml:Audience>urn:amazon:webservices<\/saml:Audience>/);
      assert.match(xml, new RegExp(`Recipient="${AWS_ACS}"`));
      assert.match(xml, new RegExp(`Destination="${AWS_ACS}"`));
      assert.doesNotMatch(xml, /InResponseTo/);
      const events = await t.services.audit.query({ action: "saml.sso", limit: 50 });
      assert.ok(events.some((e) => e.outcome === "success" && e.target === "urn:amazon:webservices" && e.actor === "alice"));
    });

    test("IdP-initiated to AWS with role=: that one role, with its own session length; the start page links each role", async () => {
      const A = "https://aws.amazon.com/SAML/Attributes/";
      const provider = "arn:aws:iam::111122223333:saml-provider/idp-gateway";
      const engineer = "arn:aws:iam::111122223333:role/Engineer";
      const readOnly = "arn:aws:iam::111122223333:role/ReadOnly";
      const role = (await t.services.directory.snapshot()).roleByArn.get(engineer)!;
      const longest = role.maxSessionDuration; // ReadOnly's too (the demo roles allow 4 h)
      await t.services.directory.updateRole(role.id, role.version, { maxSessionDuration: 3600 }, "test");
      try {
        const b = await login(t.request, "alice");
        const awsSp = sp(t, { entityId: "urn:amazon:webservices", acsUrl: AWS_ACS });
        const launch = async (arn: string) => {
          const res = await b.get(`/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}&role=${encodeURIComponent(arn)}`);
          assert.equal(res.status, 200);
          return (await awsSp.validatePostResponseAsync({ SAMLResponse: samlResponseXml(res.text).fields.SAMLResponse! })).profile!;
        };
        const all = (await awsSp.validatePostResponseAsync({ SAMLResponse: samlResponseXml((await b.get(`/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}`)).text).fields.SAMLResponse! })).profile!;
        assert.equal(all[`${A}SessionDuration`], String(longest), "without role=: the longest any of the roles allows");
        const ro = await launch(readOnly);
        assert.deepEqual(ro[`${A}Role`], `${readOnly},${provider}`, "exactly one Role value");
        assert.equal(ro[`${A}SessionDuration`], String(longest), "ReadOnly's own maximum");
        const eng = await launch(engineer);
        assert.deepEqual(eng[`${A}Role`], `${engineer},${provider}`);
        assert.equal(eng[`${A}SessionDuration`], "3600", "Engineer's own maximum, not the longest of alice's roles");
        const events = await t.services.audit.query({ action: "saml.sso", limit: 10 });
        assert.ok(events.some((e) => e.outcome === "success" && (e.details as { role?: string }).role === readOnly));

        const home = await b.get("/");
        assert.equal(home.status, 200);
        for (const arn of [engineer, readOnly]) {
          assert.ok(home.text.includes(`/saml/idp-init?sp=urn%3Aamazon%3Awebservices&amp;role=${encodeURIComponent(arn)}`), `home links ${arn}`);
        }
      } finally {
        const now = (await t.services.directory.snapshot()).roleByArn.get(engineer)!;
        await t.services.directory.updateRole(now.id, now.version, { maxSessionDuration: role.maxSessionDuration }, "test");
      }
    });

    test("IdP-initiated with role=: a role not granted, a non-AWS app or two roles get an error page and no assertion", async () => {
      const b = await login(t.request, "alice");
      const aws = encodeURIComponent("urn:amazon:webservices");
      const finance = encodeURIComponent("arn:aws:iam::111122223333:role/Finance");
      const cases = [
        { url: `/saml/idp-init?sp=${aws}&role=${finance}`, status: 403, text: /none of your groups is mapped to that role/, reason: "role_not_granted" },
        { url: `/saml/idp-init?sp=${encodeURIComponent(SP_ID)}&role=${finance}`, status: 400, text: /does not take an AWS role/, reason: "role_not_aws" },
        { url: `/saml/idp-init?sp=${aws}&role=${finance}&role=${finance}`, status: 400, text: /one role ARN/, reason: "bad_role" },
      ];
      for (const c of cases) {
        const res = await b.get(c.url);
        assert.equal(res.status, c.status, c.url);
        assert.match(res.headers["content-type"]!, /text\/html/);
        assert.match(res.text, c.text);
        assert.doesNotMatch(res.text, /SAMLResponse/);
        const events = await t.services.audit.query({ action: "saml.sso", limit: 1 });
        assert.equal((events[0]!.details as { reason?: string }).reason, c.reason);
      }
    });

    test("IdP-initiated started by another site (Sec-Fetch-Site) asks first; our own links, typed URLs and header-less clients go ahead", async () => {
      const b = await login(t.request, "alice");
      const url = `/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}&role=${encodeURIComponent("arn:aws:iam::111122223333:role/Engineer")}&RelayState=console`;
      const name = (await t.services.directory.snapshot()).spByEntityId.get("urn:amazon:webservices")!.name;
      for (const site of ["cross-site", "same-site"]) {
        const asked = await b.get(url, { "Sec-Fetch-Site": site });
        assert.equal(asked.status, 200, site);
        assert.ok(asked.text.includes(`<h1 id="launch-title">Sign in to ${name}?</h1>`), site);
        assert.match(asked.text, /as <code>arn:aws:iam::111122223333:role\/Engineer<\/code>/);
        assert.doesNotMatch(asked.text, /SAMLResponse/, "no assertion before the person agrees");
        assert.ok(asked.text.includes(`href="${url.replace(/&/g, "&amp;")}"`), "Continue repeats the same request");
        assert.match(asked.headers["cache-control"]!, /no-store/);
      }
      for (const site of ["same-origin", "none", undefined]) {
        const res = await b.get(url, site ? { "Sec-Fetch-Site": site } : {});
        assert.equal(res.status, 200, String(site));
        assert.equal(samlResponseXml(res.text).fields.RelayState, "console", String(site));
      }
    });

    test("IdP-initiated for an anonymous visitor goes through login and comes back", async () => {
      const b = new Browser(t.request);
      const res = await b.get(`/saml/idp-init?sp=${encodeURIComponent(SP_ID)}`);
      assert.equal(res.status, 303);
      assert.match(res.headers.location!, /^\/login\?return_to=%2Fsaml%2Fidp-init/);
      const back = decodeURIComponent(res.headers.location!.split("return_to=")[1]!);
      const signedIn = await login(t.request, "bob", undefined, { returnTo: back });
      const page = await signedIn.get(back);
      const r = await sp(t).validatePostResponseAsync({ SAMLResponse: samlResponseXml(page.text).fields.SAMLResponse! });
      assert.equal(r.profile?.email, "bob@example.com");
      assert.deepEqual(r.profile?.groups, "finance");
    });

    test("SP-initiated (Redirect): login, resume, InResponseTo and RelayState checked by node-saml", async () => {
      const nodeSp = sp(t, { inResponseTo: true });
      const url = await nodeSp.getAuthorizeUrlAsync("relay-123", undefined, {});
      const b = new Browser(t.request);
      const first = await b.get(local(url));
      assert.equal(first.status, 303);
      assert.match(first.headers.location!, /^\/login\?return_to=%2Fsaml%2Fresume/);
      const back = decodeURIComponent(first.headers.location!.split("return_to=")[1]!);
      const signedIn = await login(t.request, "alice", undefined, { returnTo: back });
      const page = await follow(signedIn, await signedIn.get(back));
      const { action, fields } = samlResponseXml(page.text);
      assert.equal(action, SP_ACS);
      assert.equal(fields.RelayState, "relay-123");
      const r = await nodeSp.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
      assert.equal(r.profile?.name, "Alice Example");
    });

    test("SP-initiated for a signed-in user answers at once; the second ACS URL by index", async () => {
      const b = await login(t.request, "alice");
      const nodeSp = sp(t, { inResponseTo: true, acsUrl: `${SP_ACS}/second` });
      const url = await nodeSp.getAuthorizeUrlAsync("", undefined, {});
      const page = await b.get(local(url));
      assert.equal(page.status, 200);
      const { action, fields } = samlResponseXml(page.text);
      assert.equal(action, `${SP_ACS}/second`);
      await nodeSp.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
    });

    test("HTTP-POST from another site (no session cookie): resumed on a GET where the cookie is sent", async () => {
      const b = await login(t.request, "alice");
      const nodeSp = sp(t, { inResponseTo: true, extra: { authnRequestBinding: "HTTP-POST" } });
      const samlRequest = /name="SAMLRequest" value="([^"]+)"/.exec(await nodeSp.getAuthorizeFormAsync("x-site"))![1]!;
      // the cross-site POST arrives without cookies (SameSite=Lax)...
      const post = await new Browser(t.request).post("/saml/sso", { SAMLRequest: samlRequest, RelayState: "x-site" });
      assert.equal(post.status, 303);
      assert.match(post.headers.location!, /^\/saml\/resume\?r=/);
      // ...the browser follows the 303 with a top-level GET, which carries them
      const page = await b.get(post.headers.location!);
      assert.equal(page.status, 200);
      await nodeSp.validatePostResponseAsync({ SAMLResponse: samlResponseXml(page.text).fields.SAMLResponse! });
    });

    test("SP-initiated with HTTP-POST binding", async () => {
      const b = await login(t.request, "alice");
      const nodeSp = sp(t, { inResponseTo: true, extra: { authnRequestBinding: "HTTP-POST" } });
      const form = await nodeSp.getAuthorizeFormAsync("rs-post");
      const samlRequest = /name="SAMLRequest" value="([^"]+)"/.exec(form)![1]!;
      const page = await b.post("/saml/sso", { SAMLRequest: samlRequest, RelayState: "rs-post" });
      assert.equal(page.status, 200, page.text.slice(0, 1500));
      const { fields } = samlResponseXml(page.text);
      assert.equal(fields.RelayState, "rs-post");
      await nodeSp.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
    });

    test("ForceAuthn sends a signed-in user to the login page again, then answers", async () => {
      const b = await login(t.request, "alice");
      const nodeSp = sp(t, { inResponseTo: true, extra: { forceAuthn: true } });
      const url = await nodeSp.getAuthorizeUrlAsync("", undefined, {});
      const res = await b.get(local(url));
      assert.equal(res.status, 303);
      assert.match(res.headers.location!, /^\/login\?prompt=login&return_to=/);
      const back = decodeURIComponent(res.headers.location!.split("return_to=")[1]!);
      // the old session does not satisfy ForceAuthn: resume sends it back to the login page
      const stale = await b.get(back);
      assert.equal(stale.status, 303);
      await new Promise((r) => setTimeout(r, 1100));
      const again = await b.submit(`/login?prompt=login&return_to=${encodeURIComponent(back)}`, "/login", { username: "alice", password: "demo-password", prompt: "login", return_to: back });
      assert.equal(again.status, 303);
      const page = await b.get(local(again.headers.location!));
      assert.equal(page.status, 200);
      await nodeSp.validatePostResponseAsync({ SAMLResponse: samlResponseXml(page.text).fields.SAMLResponse! });
    });

    test("IsPassive for an anonymous visitor: a NoPassive status to the ACS, no login page", async () => {
      const nodeSp = sp(t, { extra: { passive: true } });
      const url = await nodeSp.getAuthorizeUrlAsync("", undefined, {});
      const res = await new Browser(t.request).get(local(url));
      assert.equal(res.status, 200);
      const { xml } = samlResponseXml(res.text);
      assert.match(xml, /status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:NoPassive"/);
      assert.doesNotMatch(xml, /Assertion/);
      // over HTTP-POST: one hop through /saml/resume (where a session cookie would be sent), then NoPassive
      const postSp = sp(t, { extra: { passive: true, authnRequestBinding: "HTTP-POST" } });
      const anon = new Browser(t.request);
      const hop = await anon.post("/saml/sso", { SAMLRequest: /name="SAMLRequest" value="([^"]+)"/.exec(await postSp.getAuthorizeFormAsync(""))![1]! });
      assert.equal(hop.status, 303);
      const answer = await anon.get(hop.headers.location!);
      assert.match(samlResponseXml(answer.text).xml, /status:NoPassive/);
    });

    test("encrypted assertions: node-saml decrypts and validates (AES-256-GCM and AES-256-CBC)", async () => {
      for (const encryptionAlgorithm of ["aes256-gcm", "aes256-cbc"] as const) {
        const entityId = `https://enc-${encryptionAlgorithm}.example.test`;
        await t.services.directory.createServiceProvider(
          { entityId, name: `Enc ${encryptionAlgorithm}`, acsUrls: [`${entityId}/acs`], certificates: [spKey.certificatePem], encryptAssertions: true, encryptionAlgorithm, signMode: "both" },
          "test",
        );
        const b = await login(t.request, "alice");
        const nodeSp = sp(t, { entityId, acsUrl: `${entityId}/acs`, decryptionKey: spKey, inResponseTo: true, wantAuthnResponseSigned: true });
        const page = await b.get(local(await nodeSp.getAuthorizeUrlAsync("", undefined, {})));
        const { xml, fields } = samlResponseXml(page.text);
        assert.match(xml, /EncryptedAssertion/);
        assert.ok(!xml.includes("Alice Example"), "no attribute in clear text");
        const r = await nodeSp.validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
        assert.equal(r.profile?.name, "Alice Example");
      }
    });
  });
}

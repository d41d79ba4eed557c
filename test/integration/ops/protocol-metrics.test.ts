// The protocol counters on GET /metrics (README "Operations"): real STS, SAML and OIDC requests
// against a fresh app, then the exact series and values scraped. Every series of a counter is
// compared, so a label value taken from a request (an unknown Action, an unregistered SP, a made-up
// grant_type) would show up as an extra line.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { Browser, login } from "../../helpers/browser.ts";
import { testBackends } from "../../helpers/db.ts";
import { mintIdToken, stsPost, webIdentityCall } from "../../helpers/sts.ts";
import { local, registerSp, samlResponseXml, sp, testKey, SP_ID } from "../saml/setup.ts";

const AWS_SP = "urn:amazon:webservices";

for (const backend of testBackends()) {
  describe(`protocol metrics (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      await registerSp(t, await testKey());
    });
    after(() => t.close());

    /** the series of one metric, sorted, as exposed */
    async function series(name: string): Promise<string[]> {
      const res = await t.request.get("/metrics").expect(200);
      assert.match(res.text, new RegExp(`^# TYPE ${name} counter$`, "m"));
      return res.text
        .split("\n")
        .filter((l) => l.startsWith(`${name}{`))
        .sort();
    }

    test("idp_sts_requests_total: one count per answered request, by routed action, outcome and AWS code", async () => {
      const token = await mintIdToken(t.services);
      assert.equal((await webIdentityCall(t.request, token)).status, 200);
      assert.equal((await webIdentityCall(t.request, await mintIdToken(t.services))).status, 200);
      const bad = await webIdentityCall(t.request, "not.a.token");
      assert.equal(bad.code, "InvalidIdentityToken", bad.text);
      const unknown = await stsPost(t.request, { Action: "DropAllTables" });
      assert.equal(unknown.code, "InvalidAction", unknown.text);
      const missing = await t.request.post("/sts").type("form").send({ Version: "2011-06-15" });
      assert.match(missing.text, /<Code>MissingAction<\/Code>/);
      const unsigned = await stsPost(t.request, { Action: "GetCallerIdentity" });
      assert.equal(unsigned.code, "MissingAuthenticationToken", unsigned.text);

      assert.deepEqual(await series("idp_sts_requests_total"), [
        'idp_sts_requests_total{action="AssumeRoleWithWebIdentity",outcome="failure",code="InvalidIdentityToken"} 1',
        'idp_sts_requests_total{action="AssumeRoleWithWebIdentity",outcome="success",code=""} 2',
        'idp_sts_requests_total{action="GetCallerIdentity",outcome="denied",code="MissingAuthenticationToken"} 1',
        'idp_sts_requests_total{action="unknown",outcome="failure",code="InvalidAction"} 1',
        'idp_sts_requests_total{action="unknown",outcome="failure",code="MissingAction"} 1',
      ]);
    });

    test("idp_saml_assertions_total: issued and refused, per registered SP; unregistered issuers count as unknown", async () => {
      const alice = await login(t.request, "alice");
      const issued = await alice.get(`/saml/idp-init?sp=${encodeURIComponent(AWS_SP)}`);
      assert.equal(issued.status, 200);
      assert.match(samlResponseXml(issued.text).xml, /status:Success/);
      // IdP-initiated for an SP nobody registered: an HTML page, no response
      const nowhere = await alice.get(`/saml/idp-init?sp=${encodeURIComponent("https://attacker.example/sp")}`);
      assert.equal(nowhere.status, 404);
      // an AuthnRequest whose Issuer is not registered: an HTML page (RequestDenied)
      const stranger = await new Browser(t.request).get(local(await sp(t, { entityId: "https://stranger.example/sp" }).getAuthorizeUrlAsync("", undefined, {})));
      assert.equal(stranger.status, 403, stranger.text);
      // IsPassive from the registered test SP, nobody signed in: a NoPassive status to its ACS
      const passive = await new Browser(t.request).get(local(await sp(t, { extra: { passive: true } }).getAuthorizeUrlAsync("", undefined, {})));
      assert.match(samlResponseXml(passive.text).xml, /status:NoPassive/);
      // SP-initiated for a signed-in user: answered at once
      const spInit = await alice.get(local(await sp(t).getAuthorizeUrlAsync("", undefined, {})));
      assert.match(samlResponseXml(spInit.text).xml, /status:Success/);
      // a user whose groups map to no AWS role: refused with a page, counted as RequestDenied
      await t.services.directory.createUser({ username: "carol", password: "demo-password", displayName: "Carol" }, "test");
      const noRoles = await (await login(t.request, "carol")).get(`/saml/idp-init?sp=${encodeURIComponent(AWS_SP)}`);
      assert.equal(noRoles.status, 403, noRoles.text);

      assert.deepEqual(await series("idp_saml_assertions_total"), [
        `idp_saml_assertions_total{sp="${SP_ID}",outcome="no_passive"} 1`,
        `idp_saml_assertions_total{sp="${SP_ID}",outcome="success"} 1`,
        'idp_saml_assertions_total{sp="unknown",outcome="request_denied"} 1',
        'idp_saml_assertions_total{sp="unknown",outcome="requester"} 1',
        `idp_saml_assertions_total{sp="${AWS_SP}",outcome="request_denied"} 1`,
        `idp_saml_assertions_total{sp="${AWS_SP}",outcome="success"} 1`,
      ]);
    });

    test("idp_oidc_grants_total: token endpoint grants by known grant type and outcome", async () => {
      const token = (auth: [string, string] | undefined, form: Record<string, string>) => {
        const req = t.request.post("/token").type("form");
        return (auth ? req.auth(...auth) : req).send(form);
      };
      const service: [string, string] = ["demo-service", t.config.demoPassword];
      assert.equal((await token(service, { grant_type: "client_credentials" })).status, 200);
      const wrongSecret = await token(["demo-service", "wrong"], { grant_type: "client_credentials" });
      assert.equal(wrongSecret.body.error, "invalid_client", wrongSecret.text);
      const madeUp = await token(service, { grant_type: "urn:example:made-up" });
      assert.equal(madeUp.body.error, "unsupported_grant_type", madeUp.text);
      // mobile-app: a public client allowed refresh_token
      const badRefresh = await token(undefined, { grant_type: "refresh_token", client_id: "mobile-app", refresh_token: "no-such-token" });
      assert.equal(badRefresh.body.error, "invalid_grant", badRefresh.text);

      assert.deepEqual(await series("idp_oidc_grants_total"), [
        'idp_oidc_grants_total{grant_type="client_credentials",outcome="invalid_client"} 1',
        'idp_oidc_grants_total{grant_type="client_credentials",outcome="success"} 1',
        'idp_oidc_grants_total{grant_type="other",outcome="unsupported_grant_type"} 1',
        'idp_oidc_grants_total{grant_type="refresh_token",outcome="invalid_grant"} 1',
      ]);
    });
  });
}

// Single Logout: SP-initiated (node-saml's signed Redirect LogoutRequest) ends the web session,
// notifies the session's other SP with a signed LogoutRequest node-saml accepts, and POSTs a
// signed LogoutResponse back; IdP-initiated from POST /saml/logout; bad requests refused.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, csrfFrom, login } from "../../helpers/browser.ts";
import { decodeEntities, type TestKey } from "../../helpers/saml.ts";
import { IDP, SP_ID, SP_SLO, local, registerSp, samlResponseXml, sp, testKey } from "./setup.ts";

const SP2 = "https://second.example.test";
const SP2_SLO = `${SP2}/slo`;

for (const backend of testBackends()) {
  describe(`SAML Single Logout (${backend})`, () => {
    let t: TestApp;
    let spKey: TestKey;
    before(async () => {
      t = await startTestApp(backend);
      spKey = await testKey();
      await registerSp(t, spKey);
      await t.services.directory.createServiceProvider({ entityId: SP2, name: "Second SP", acsUrls: [`${SP2}/acs`], sloUrl: SP2_SLO, certificates: [spKey.certificatePem] }, "test");
    });
    after(() => t.close());

    const sp1 = () => sp(t, { signingKey: spKey, logoutUrl: `${IDP}/saml/slo` });
    const sp2 = () => sp(t, { entityId: SP2, acsUrl: `${SP2}/acs`, logoutUrl: `${IDP}/saml/slo` });

    async function signedInToBoth(): Promise<{ b: Browser; profile: NonNullable<Awaited<ReturnType<ReturnType<typeof sp1>["validatePostResponseAsync"]>>["profile"]> }> {
      const b = await login(t.request, "alice");
      const r1 = await sp1().validatePostResponseAsync({ SAMLResponse: samlResponseXml((await b.get(`/saml/idp-init?sp=${encodeURIComponent(SP_ID)}`)).text).fields.SAMLResponse! });
      await sp2().validatePostResponseAsync({ SAMLResponse: samlResponseXml((await b.get(`/saml/idp-init?sp=${encodeURIComponent(SP2)}`)).text).fields.SAMLResponse! });
      return { b, profile: r1.profile! };
    }

    test("SP-initiated: session ended, the other SP notified, a signed LogoutResponse to the first", async () => {
      const { b, profile } = await signedInToBoth();
      const url = await sp1().getLogoutUrlAsync(profile, "after-logout", {});
      const page = await b.get(local(url));
      assert.equal(page.status, 200, page.text.slice(0, 500));
      // the web session is gone
      assert.equal((await b.get("/")).status, 303);
      // the other SP gets a LogoutRequest in a frame, signed over the Redirect query; node-saml accepts it
      const frame = /<iframe class="slo-frame" src="([^"]+)"/.exec(page.text);
      assert.ok(frame, "a logout frame for the second SP");
      const frameUrl = new URL(decodeEntities(frame[1]!));
      assert.equal(frameUrl.origin + frameUrl.pathname, SP2_SLO);
      const query = Object.fromEntries(frameUrl.searchParams);
      const notified = await sp2().validateRedirectAsync(query, frameUrl.search.slice(1));
      assert.equal(notified.loggedOut, true);
      assert.equal(notified.profile?.nameID, profile.nameID);
      assert.match(page.headers["content-security-policy"]!, /frame-src https:\/\/second\.example\.test/);
      // the LogoutResponse goes to the first SP's SLO URL and verifies there
      const { action, fields } = samlResponseXml(page.text);
      assert.equal(action, SP_SLO);
      assert.equal(fields.RelayState, "after-logout");
      const done = await sp1().validatePostResponseAsync({ SAMLResponse: fields.SAMLResponse! });
      assert.equal(done.loggedOut, true);
      assert.match(Buffer.from(fields.SAMLResponse!, "base64").toString(), /status:Success/);
      const events = await t.services.audit.query({ action: "saml.slo", outcome: "success", limit: 5 });
      assert.ok(events.some((e) => e.target === SP_ID && JSON.stringify(e.details).includes(SP2)));
    });

    test("IdP-initiated: POST /saml/logout (CSRF) ends the session and notifies every SP", async () => {
      const { b } = await signedInToBoth();
      const home = await b.get("/");
      const refused = await b.post("/saml/logout", {});
      assert.equal(refused.status, 403, "CSRF required");
      const page = await b.post("/saml/logout", { _csrf: csrfFrom(home.text) });
      assert.equal(page.status, 200);
      assert.equal([...page.text.matchAll(/<iframe class="slo-frame"/g)].length, 2);
      assert.equal((await b.get("/")).status, 303);
    });

    test("refused: unknown SP (page), replayed and foreign-user requests (error status, session kept)", async () => {
      const { b, profile } = await signedInToBoth();
      const stranger = sp(t, { entityId: "https://stranger.example", logoutUrl: `${IDP}/saml/slo` });
      const unknown = await b.get(local(await stranger.getLogoutUrlAsync(profile, "", {})));
      assert.equal(unknown.status, 400);
      assert.match(unknown.text, /not registered here/);
      const foreign = await b.get(local(await sp1().getLogoutUrlAsync({ ...profile, nameID: "someone-else" }, "", {})));
      assert.match(Buffer.from(samlResponseXml(foreign.text).fields.SAMLResponse!, "base64").toString(), /status:Requester/);
      assert.equal((await b.get("/")).status, 200, "still signed in");
      const url = await sp1().getLogoutUrlAsync(profile, "", {});
      await b.get(local(url));
      const again = await login(t.request, "alice");
      const replay = await again.get(local(url));
      assert.match(Buffer.from(samlResponseXml(replay.text).fields.SAMLResponse!, "base64").toString(), /status:Requester/);
      assert.equal((await again.get("/")).status, 200, "a replay does not sign anyone out");
      // unsigned: refused (Profiles §4.4.4.1), so another web page cannot sign users out
      const unsigned = await again.get(local(await sp(t, { logoutUrl: `${IDP}/saml/slo` }).getLogoutUrlAsync(profile, "", {})));
      assert.match(Buffer.from(samlResponseXml(unsigned.text).fields.SAMLResponse!, "base64").toString(), /status:Requester/);
      assert.equal((await again.get("/")).status, 200, "an unsigned LogoutRequest does not sign anyone out");
      const events = await t.services.audit.query({ action: "saml.slo", outcome: "failure", limit: 10 });
      for (const reason of ["unknown_sp", "nameid_mismatch", "replay", "bad_signature"]) assert.ok(events.some((e) => (e.details as { reason?: string }).reason === reason), reason);
    });
  });
}

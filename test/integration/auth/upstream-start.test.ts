// Starting an upstream sign-in: the state cookie, and the per-address limit on starts.
// The state cookie: a SAML IdP answers with a cross-site form POST, which a
// SameSite=Lax cookie would not follow: on https the cookie is SameSite=None; Secure (with the
// __Host- prefix); plain http cannot send SameSite=None (it needs Secure), so there it stays Lax.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "../../helpers/db.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";

const START_LIMIT = 3;

async function addSamlUpstream(t: TestApp): Promise<void> {
  await t.services.upstream.idps.add(
    { protocol: "saml", slug: "corp", displayName: "Corp SAML", entityId: "https://sso.corp.example/idp", ssoUrl: "https://sso.corp.example/sso", certificates: [t.services.keys.activeKey().certificatePem] },
    "test",
  );
}

async function auditEvents(t: TestApp, action: string) {
  return t.services.db.prisma.auditEvent.findMany({ where: { action } });
}

async function stateCookie(t: TestApp): Promise<string> {
  const res = await t.request.get("/login/upstream/corp");
  assert.equal(res.status, 303);
  assert.match(res.headers.location!, /^https:\/\/sso\.corp\.example\/sso\?SAMLRequest=/);
  const cookies = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
  const state = cookies.find((c) => /^(__Host-)?idp_upstream=/.test(c));
  assert.ok(state, `no state cookie in ${JSON.stringify(cookies)}`);
  return state;
}

for (const backend of testBackends()) {
  describe(`upstream SAML state cookie (${backend})`, () => {
    let https: TestApp;
    let http: TestApp;
    before(async () => {
      https = await startTestApp(backend, { env: { IDP_BASE_URL: "https://idp.example.com" }, seed: false });
      http = await startTestApp(backend, { env: { IDP_TRUST_PROXY: "true", IDP_UPSTREAM_START_LIMIT: String(START_LIMIT) }, seed: false });
      await addSamlUpstream(https);
      await addSamlUpstream(http);
    });
    after(async () => {
      await https?.close();
      await http?.close();
    });

    it("on https: __Host- prefixed, Secure, HttpOnly, SameSite=None, so the IdP's cross-site POST carries it", async () => {
      const cookie = await stateCookie(https);
      assert.match(cookie, /^__Host-idp_upstream=/);
      assert.match(cookie, /; Secure/);
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=None/);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /; Domain=/);
    });

    it("on plain http: SameSite=Lax (None would need Secure), HttpOnly, not Secure", async () => {
      const cookie = await stateCookie(http);
      assert.match(cookie, /^idp_upstream=/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.match(cookie, /; HttpOnly/);
      assert.doesNotMatch(cookie, /; Secure/);
    });

    it("an address that starts more than IDP_UPSTREAM_START_LIMIT sign-ins in a minute gets 429 and writes no login state", async () => {
      const from = { "X-Forwarded-For": "192.0.2.20" };
      const statesBefore = await http.services.db.prisma.upstreamLoginState.count();
      for (let i = 0; i < START_LIMIT; i++) assert.equal((await http.request.get("/login/upstream/corp").set(from)).status, 303);
      const refused = await http.request.get("/login/upstream/corp").set(from).set("Accept", "text/html");
      assert.equal(refused.status, 429);
      const retry = Number(refused.headers["retry-after"]);
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      assert.match(refused.headers["content-type"]!, /text\/html/);
      assert.match(refused.text, /Too many sign-ins were started from your network/);
      assert.equal(refused.headers["set-cookie"], undefined, "no state cookie");
      assert.equal((await http.request.get("/login/upstream/corp").set(from)).status, 429);
      assert.equal(await http.services.db.prisma.upstreamLoginState.count(), statesBefore + START_LIMIT, "refused starts write nothing");
      assert.equal((await http.request.get("/login/upstream/corp").set({ "X-Forwarded-For": "192.0.2.21" })).status, 303, "other addresses are not affected");
      const events = await auditEvents(http, "upstream.rate_limit");
      assert.equal(events.length, 1, "audited once, when the address reached its limit");
      assert.equal(events[0]!.target, "ip:192.0.2.20");
      assert.equal(events[0]!.outcome, "denied");
    });
  });
}

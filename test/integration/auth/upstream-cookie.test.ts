// The upstream sign-in's state cookie. A SAML IdP answers with a cross-site form POST, which a
// SameSite=Lax cookie would not follow: on https the cookie is SameSite=None; Secure (with the
// __Host- prefix); plain http cannot send SameSite=None (it needs Secure), so there it stays Lax.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "../../helpers/db.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";

async function addSamlUpstream(t: TestApp): Promise<void> {
  await t.services.upstream.idps.add(
    { protocol: "saml", slug: "corp", displayName: "Corp SAML", entityId: "https://sso.corp.example/idp", ssoUrl: "https://sso.corp.example/sso", certificates: [t.services.keys.activeKey().certificatePem] },
    "test",
  );
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
      http = await startTestApp(backend, { seed: false });
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
  });
}

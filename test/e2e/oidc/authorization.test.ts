// The authorization endpoint with bad input (unknown client, unregistered redirect_uri, PKCE),
// prompt / max_age / acr_values, access control, consent for third-party clients (remembered,
// revocable on the home page), and RP-initiated logout ending the web session too.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { TOTP_PERIOD, totpAt } from "../../../src/auth/index.ts";
import { ACR_MFA, sealClientSecret } from "../../../src/oidc/index.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, csrfFrom, login } from "../../helpers/browser.ts";
import { codeFlow, discover, drive, MOBILE_REDIRECT, startOidcApp, verifyWithJwks, type DriveOptions, type OidcTestApp } from "../../helpers/oidc.ts";

const WEB_REDIRECT = "http://127.0.0.1:9999/cb";
const WEB_LOGOUT = "http://127.0.0.1:9999/bye";
const WEB_SECRET = "web-app-secret-for-tests";

for (const backend of testBackends()) {
  describe(`oidc authorization (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
      const { directory, box } = app.t.services;
      const finance = (await directory.snapshot()).groupByName.get("finance")!;
      for (const [clientId, firstParty, groups] of [["web-app", false, []], ["finance-app", true, [finance.id]]] as const) {
        await directory.createOidcClient(
          {
            clientId,
            name: clientId === "web-app" ? "Partner web app" : "Finance app",
            firstParty,
            accessGroupIds: groups,
            secretEnc: sealClientSecret(box, clientId, WEB_SECRET),
            metadata: { redirect_uris: [WEB_REDIRECT], post_logout_redirect_uris: [WEB_LOGOUT], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] },
          },
          "test",
        );
      }
    });
    after(() => app.close());

    /** GET /auth with these parameters; returns the raw response (no redirects followed). */
    const authorize = (params: Record<string, string>, b = new Browser(app.request)) => b.get(`/auth?${new URLSearchParams(params)}`);
    const pkce = { code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" };
    const mobile = { client_id: "mobile-app", response_type: "code", scope: "openid", redirect_uri: MOBILE_REDIRECT, ...pkce };

    async function webFlow(b: Browser, params: Record<string, string> = {}, onPage?: DriveOptions["onPage"], username?: string) {
      const config = await discover(app.base, params.client_id ?? "web-app", WEB_SECRET);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: WEB_REDIRECT, scope: "openid profile", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", ...params });
      const callback = await drive(b, app.base, url.pathname + url.search, { onPage, username });
      return { config, verifier, callback: new URL(callback) };
    }

    test("unknown client: an error page, never a redirect", async () => {
      const res = await authorize({ ...mobile, client_id: "nobody" });
      assert.equal(res.status, 400);
      assert.equal(res.headers.location, undefined);
      assert.match(res.text, /invalid_client/);
      assert.doesNotMatch(res.text, /at .*\.js:\d+/);
    });

    test("redirect_uri must match exactly: each variant is an error page, never a redirect", async () => {
      for (const redirect_uri of [
        "http://127.0.0.1:8765/callback/extra",
        "http://127.0.0.1:8765/Callback",
        "http://127.0.0.1:8765/callback?x=1",
        "http://evil.example/callback",
        "http://127.0.0.1@evil.example:8765/callback",
        WEB_REDIRECT,
        "com.example.app:/oauth2redirect/..",
      ]) {
        const res = await authorize({ ...mobile, redirect_uri });
        assert.equal(res.status, 400, redirect_uri);
        assert.equal(res.headers.location, undefined, redirect_uri);
        assert.match(res.text, /redirect_uri/, redirect_uri);
      }
      const twice = await app.request.get(`/auth?${new URLSearchParams(mobile)}&redirect_uri=${encodeURIComponent(MOBILE_REDIRECT)}`).redirects(0);
      assert.equal(twice.status, 400);
      assert.equal(twice.headers.location, undefined);
    });

    test("a public client without PKCE, or with plain PKCE: error back to the client", async () => {
      const { code_challenge: _c, code_challenge_method: _m, ...noPkce } = mobile;
      const res = await authorize(noPkce);
      assert.equal(res.status, 303);
      const loc = new URL(res.headers.location as string);
      assert.equal(loc.origin + loc.pathname, MOBILE_REDIRECT);
      assert.equal(loc.searchParams.get("error"), "invalid_request");
      assert.equal(loc.searchParams.get("iss"), app.base);
      const plain = await authorize({ ...mobile, code_challenge: "a".repeat(43), code_challenge_method: "plain" });
      assert.equal(new URL(plain.headers.location as string).searchParams.get("error"), "invalid_request");
    });

    test("unsupported response_type and malformed requests are refused", async () => {
      const token = await authorize({ ...mobile, response_type: "token" });
      // a token response type answers in the fragment
      assert.equal(new URLSearchParams(new URL(token.headers.location as string).hash.slice(1)).get("error"), "unsupported_response_type");
      const dup = await app.request.get(`/auth?${new URLSearchParams(mobile)}&scope=openid`).redirects(0);
      assert.ok(dup.status === 400 || new URL(dup.headers.location as string).searchParams.get("error") === "invalid_request");
    });

    test("wrong PKCE verifier at the token endpoint: invalid_grant", async () => {
      const config = await discover(app.base, "mobile-app");
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: MOBILE_REDIRECT, scope: "openid", ...pkce });
      const callback = new URL(await drive(new Browser(app.request), app.base, url.pathname + url.search));
      const res = await app.request.post("/token").type("form").send({ grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: MOBILE_REDIRECT, client_id: "mobile-app", code_verifier: "w".repeat(43) });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "invalid_grant");
    });

    test("prompt=none without a session: login_required back to the client", async () => {
      const res = await authorize({ ...mobile, prompt: "none" });
      const loc = new URL(res.headers.location as string);
      assert.equal(loc.searchParams.get("error"), "login_required");
    });

    test("signing out of idp-gateway makes prompt=none answer login_required", async () => {
      const b = await login(app.request, "alice");
      await codeFlow(app, { browser: b }); // a provider session exists now
      const page = await b.get("/");
      await b.post("/logout", { _csrf: csrfFrom(page.text) });
      const res = await authorize({ client_id: "web-app", response_type: "code", scope: "openid", redirect_uri: WEB_REDIRECT, prompt: "none" }, b);
      assert.equal(new URL(res.headers.location as string).searchParams.get("error"), "login_required");
    });

    /** A browser that notes whether the login form was shown. */
    function watched(b: Browser): { b: Browser; sawLogin: () => boolean } {
      let saw = false;
      const get = b.get.bind(b);
      b.get = async (path, headers) => {
        const res = await get(path, headers);
        if (res.status === 200 && /action="\/login"/.test(res.text)) saw = true;
        return res;
      };
      return { b, sawLogin: () => saw };
    }

    test("prompt=login asks for the password again even with a web session", async () => {
      const w = watched(await login(app.request, "alice"));
      await codeFlow(app, { browser: w.b });
      assert.equal(w.sawLogin(), false, "the web session served the first request");
      const { tokens } = await codeFlow(app, { browser: w.b, extra: { prompt: "login" } });
      assert.equal(w.sawLogin(), true, "prompt=login showed the login form");
      assert.ok(tokens.id_token);
    });

    test("max_age: an old web session must sign in again; auth_time is the new login", async () => {
      const b = await login(app.request, "alice");
      const old = new Date(Date.now() - 3600_000);
      await app.t.services.db.prisma.webSession.updateMany({ where: { userId: (await app.t.services.directory.findUserByUsername("alice"))!.id }, data: { authTime: old } });
      let sawLogin = false;
      const config = await discover(app.base, "mobile-app");
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: MOBILE_REDIRECT, scope: "openid", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", max_age: "60" });
      const originalGet = b.get.bind(b);
      b.get = async (path, headers) => {
        const res = await originalGet(path, headers);
        if (res.status === 200 && /action="\/login"/.test(res.text)) sawLogin = true;
        return res;
      };
      const callback = await drive(b, app.base, url.pathname + url.search);
      assert.equal(sawLogin, true, "the login form was shown again");
      const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier });
      const { payload } = await verifyWithJwks(app.base, tokens.id_token!, "mobile-app");
      assert.ok(Math.abs((payload.auth_time as number) - Date.now() / 1000) < 120, "auth_time is the fresh login");
    });

    test("acr_values asking for MFA: a user without MFA gets unmet_authentication_requirements", async () => {
      const config = await discover(app.base, "mobile-app");
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: MOBILE_REDIRECT, scope: "openid", ...pkce, acr_values: ACR_MFA });
      const callback = new URL(await drive(new Browser(app.request), app.base, url.pathname + url.search, { username: "bob" }));
      assert.equal(callback.searchParams.get("error"), "unmet_authentication_requirements");
    });

    test("acr_values asking for MFA: a TOTP user signs in with the code; acr is MFA, amr has otp and mfa", async () => {
      const enrol = await login(app.request, "admin");
      await enrol.submit("/account/mfa", "/account/mfa/setup", {});
      const page = await enrol.get("/account/mfa");
      const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1]!.replace(/ /g, "");
      const confirmed = await enrol.post("/account/mfa/confirm", { _csrf: csrfFrom(page.text), code: totpAt(secret, new Date()) });
      assert.equal(confirmed.status, 200);
      const { tokens } = await codeFlow(app, {
        username: "admin",
        scope: "openid",
        extra: { acr_values: ACR_MFA },
        onPage: async (b, path, res) => (path.startsWith("/login/mfa") ? b.post("/login/mfa", { _csrf: csrfFrom(res.text), code: totpAt(secret, new Date(Date.now() + TOTP_PERIOD * 1000)), return_to: /name="return_to" value="([^"]+)"/.exec(res.text)![1]!.replace(/&amp;/g, "&") }, { Origin: app.base }) : undefined),
      });
      const { payload } = await verifyWithJwks(app.base, tokens.id_token!, "mobile-app");
      assert.equal(payload.acr, ACR_MFA);
      assert.deepEqual([...(payload.amr as string[])].sort(), ["mfa", "otp", "pwd"]);
    });

    test("a client restricted to a group the user lacks: access_denied", async () => {
      const { callback } = await webFlow(new Browser(app.request), { client_id: "finance-app" });
      assert.equal(callback.searchParams.get("error"), "access_denied");
      const bob = await webFlow(new Browser(app.request), { client_id: "finance-app" }, undefined, "bob");
      assert.ok(bob.callback.searchParams.get("code"));
    });

    test("third-party client: consent page; remembered in a new browser; withdrawn on the home page", async () => {
      let consentShown = 0;
      const onPage = async (b: Browser, path: string, res: { text: string }) => {
        if (!/Allow Partner web app\?/.test(res.text)) return undefined;
        consentShown++;
        return b.post(`${path}/confirm`, { _csrf: csrfFrom(res.text) }, { Origin: app.base });
      };
      const first = await webFlow(new Browser(app.request), {}, onPage);
      assert.ok(first.callback.searchParams.get("code"));
      assert.equal(consentShown, 1);

      const b = new Browser(app.request);
      const second = await webFlow(b, {}, onPage);
      assert.ok(second.callback.searchParams.get("code"));
      assert.equal(consentShown, 1, "consent remembered");

      const home = await b.get("/");
      assert.match(home.text, /Partner web app/);
      const action = /<strong>Partner web app<\/strong>[\s\S]*?action="(\/account\/consents\/[^"]+\/revoke)"/.exec(home.text.split("Apps you have allowed").at(-1)!)![1]!;
      const withdrawn = await b.post(action.replace(/&amp;/g, "&"), { _csrf: csrfFrom(home.text) }, { Origin: app.base });
      assert.equal(withdrawn.status, 303);
      const third = await webFlow(b, {}, onPage);
      assert.ok(third.callback.searchParams.get("code"));
      assert.equal(consentShown, 2, "asked again after withdrawal");
    });

    test("denying consent: access_denied back to the client, audited", async () => {
      const onPage = async (b: Browser, path: string, res: { text: string }) => (/Allow Partner web app\?/.test(res.text) ? b.post(`${path}/abort`, { _csrf: csrfFrom(res.text) }, { Origin: app.base }) : undefined);
      const { callback } = await webFlow(new Browser(app.request), {}, onPage, "bob");
      assert.equal(callback.searchParams.get("error"), "access_denied");
      const events = await app.t.services.audit.query({ action: "oidc.consent" });
      assert.ok(events.some((e) => e.outcome === "denied" && e.actor === "bob"));
    });

    test("RP-initiated logout ends the web session too and returns to the registered URI", async () => {
      const b = await login(app.request, "bob");
      const onPage = async (br: Browser, path: string, res: { text: string }) => (/Allow Partner web app\?/.test(res.text) ? br.post(`${path}/confirm`, { _csrf: csrfFrom(res.text) }, { Origin: app.base }) : undefined);
      const { config, verifier, callback } = await webFlow(b, {}, onPage);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
      const bad = await b.get(`/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: "http://evil.example/bye" })}`);
      assert.equal(bad.status, 400);
      assert.equal(bad.headers.location, undefined);
      const end = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: WEB_LOGOUT, state: "s1" });
      const page = await b.get(end.pathname + end.search);
      assert.equal(page.status, 200);
      assert.match(page.text, /Sign out/);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.text)![1]!;
      const done = await b.post("/session/end/confirm", { xsrf, logout: "yes" });
      assert.equal(done.status, 303);
      const loc = new URL(done.headers.location as string);
      assert.equal(loc.origin + loc.pathname, WEB_LOGOUT);
      assert.equal(loc.searchParams.get("state"), "s1");
      const home = await b.get("/");
      assert.equal(home.status, 303);
      assert.match(String(home.headers.location), /^\/login/);
    });

    test("an unknown or stale interaction is a friendly error page", async () => {
      const res = await new Browser(app.request).get("/interaction/does-not-exist");
      assert.equal(res.status, 400);
      assert.match(res.text, /expired or was already completed/);
    });
  });
}

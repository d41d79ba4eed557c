// The admin API's user sessions: GET /users/{id}/sessions (live web sessions and the app-grant
// count, read scope), POST /users/{id}/sessions/end-all (every web session and every OIDC grant
// with its tokens, as the user page's button; audited with the API client) and
// DELETE /users/{id}/sessions/{handle} (one session). admin:read cannot end anything; unknown
// users and handles are problem+json 404.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { adminToken } from "../../helpers/admin-tokens.ts";
import { login } from "../../helpers/browser.ts";
import { testBackends } from "../../helpers/db.ts";
import { startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";
import { FIREFOX_LINUX, auditActions, newUser } from "../auth/support.ts";
import { signedIn, userWithAppAndTwoBrowsers } from "./two-browsers.ts";

const NO_SUCH_USER = "00000000-0000-4000-8000-000000000000";

for (const backend of testBackends()) {
  describe(`admin API: a user's sessions (${backend})`, () => {
    let app: OidcTestApp;
    let token: string;
    let readToken: string;
    before(async () => {
      app = await startOidcApp(backend);
      token = await adminToken(app.t.services);
      readToken = await adminToken(app.t.services, { scope: "openid admin:read" });
    });
    after(() => app.close());

    const api = (method: "get" | "post" | "delete", path: string, tok = token) => app.request[method](`/api/admin${path}`).set("Authorization", `Bearer ${tok}`);
    const isProblem = (res: { status: number; headers: Record<string, string>; body: any }, status: number) => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.headers["content-type"] ?? "", /^application\/problem\+json/);
      assert.equal(res.body.status, status);
      assert.equal(typeof res.body.detail, "string");
    };

    test("list shows both sessions and the grant; end-all signs the user out everywhere and revokes the grant", async () => {
      const { user, phone, laptop, config, refreshToken, accessToken } = await userWithAppAndTwoBrowsers(app, "lena");
      let res = await api("get", `/users/${user.id}/sessions`, readToken);
      assert.equal(res.status, 200);
      assert.match(res.headers["content-type"] ?? "", /^application\/json/);
      assert.deepEqual(res.body.sessions.map((x: any) => x.browser), ["Firefox 128 on Linux", "Chrome 126 on Windows"], "most recent first");
      for (const x of res.body.sessions) {
        assert.deepEqual(Object.keys(x).sort(), ["browser", "handle", "ip", "lastSeenAt", "mfa", "signedInAt"]);
        assert.match(x.handle, /^[A-Za-z0-9_-]{22}$/);
        assert.ok(!Number.isNaN(Date.parse(x.signedInAt)) && !Number.isNaN(Date.parse(x.lastSeenAt)));
        assert.equal(x.mfa, false);
      }
      assert.equal(res.body.grantCount, 1);

      res = await api("post", `/users/${user.id}/sessions/end-all`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { sessions: 2, grants: 1 });
      assert.equal(await signedIn(phone), false);
      assert.equal(await signedIn(laptop), false);
      await assert.rejects(oidc.refreshTokenGrant(config, refreshToken), (err: { error?: string }) => err.error === "invalid_grant");
      assert.equal((await app.request.get("/me").set("Authorization", `Bearer ${accessToken}`)).status, 401);

      res = await api("get", `/users/${user.id}/sessions`);
      assert.deepEqual(res.body, { sessions: [], grantCount: 0 });
      const ev = (await auditActions(app.t, "admin.user.sessions.end_all")).find((e) => e.target === `user:${user.id}`);
      assert.equal(ev?.actor, "client:admin-automation");
      assert.equal(ev?.outcome, "success");
      assert.deepEqual(ev?.details, { username: "lena", sessions: 2, grants: 1 });
    });

    test("an admin:read token lists but cannot end: 403 problem+json, nothing ended", async () => {
      const { user, phone, laptop, config, refreshToken } = await userWithAppAndTwoBrowsers(app, "milo");
      const { sessions } = (await api("get", `/users/${user.id}/sessions`, readToken)).body;
      let res = await api("post", `/users/${user.id}/sessions/end-all`, readToken);
      isProblem(res, 403);
      assert.match(res.headers["www-authenticate"] ?? "", /error="insufficient_scope"/);
      isProblem(await api("delete", `/users/${user.id}/sessions/${sessions[0].handle}`, readToken), 403);
      assert.equal(await signedIn(phone), true);
      assert.equal(await signedIn(laptop), true);
      assert.ok((await oidc.refreshTokenGrant(config, refreshToken)).access_token, "the grant still works");
      assert.equal((await api("get", `/users/${user.id}/sessions`)).body.sessions.length, 2);
      assert.equal((await auditActions(app.t, "admin.user.")).filter((e) => e.target === `user:${user.id}`).length, 0);
    });

    test("DELETE one session by handle ends only that one; another user's handle or a repeat is 404", async () => {
      const { user, phone, laptop, config, refreshToken } = await userWithAppAndTwoBrowsers(app, "nora");
      const other = await newUser(app.t, "oscar");
      await login(app.request, "oscar", undefined, { headers: { "User-Agent": FIREFOX_LINUX } });
      const [laptopSession] = (await api("get", `/users/${user.id}/sessions`)).body.sessions;
      assert.equal(laptopSession.browser, "Firefox 128 on Linux");
      const [oscarSession] = (await api("get", `/users/${other.id}/sessions`)).body.sessions;

      isProblem(await api("delete", `/users/${user.id}/sessions/${oscarSession.handle}`), 404);
      isProblem(await api("delete", `/users/${user.id}/sessions/not-a-handle`), 404);
      assert.equal((await api("delete", `/users/${user.id}/sessions/${laptopSession.handle}`)).status, 204);
      assert.equal(await signedIn(laptop), false);
      assert.equal(await signedIn(phone), true);
      assert.ok((await oidc.refreshTokenGrant(config, refreshToken)).access_token, "grants are left alone");
      isProblem(await api("delete", `/users/${user.id}/sessions/${laptopSession.handle}`), 404);
      assert.equal((await api("get", `/users/${other.id}/sessions`)).body.sessions.length, 1, "oscar's session untouched");

      const ev = (await auditActions(app.t, "admin.user.session.end")).find((e) => e.target === `user:${user.id}`);
      assert.equal(ev?.actor, "client:admin-automation");
      assert.deepEqual(ev?.details, { username: "nora" });
    });

    test("an unknown user: problem+json 404 on every route", async () => {
      for (const id of [NO_SUCH_USER, "not-a-uuid"]) {
        for (const res of [await api("get", `/users/${id}/sessions`), await api("post", `/users/${id}/sessions/end-all`), await api("delete", `/users/${id}/sessions/AAAAAAAAAAAAAAAAAAAAAA`)]) {
          isProblem(res, 404);
          assert.equal(res.body.detail, "No such user.", "the user is unknown, not the route");
        }
      }
      assert.equal((await auditActions(app.t, "admin.user.sessions.end_all")).filter((e) => e.target === `user:${NO_SUCH_USER}`).length, 0);
    });
  });
}

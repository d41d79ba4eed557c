// The Sessions card of /admin/users/:id: the user's live web sessions and app grants, and "End all
// sessions" (every web session and every OIDC grant with its tokens; audited with the acting
// admin). Auditors see the card but get no button and are refused; CSRF is checked.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { testBackends } from "../../helpers/db.ts";
import { csrfFrom, login, type Browser } from "../../helpers/browser.ts";
import { startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";
import { auditActions, newUser, sessionHandles } from "../auth/support.ts";
import { signedIn, userWithAppAndTwoBrowsers } from "./two-browsers.ts";

for (const backend of testBackends()) {
  describe(`admin: a user's sessions (${backend})`, () => {
    let app: OidcTestApp;
    let admin: Browser;
    before(async () => {
      app = await startOidcApp(backend);
      admin = await login(app.request, "admin");
    });
    after(() => app.close());

    const endAll = (id: string) => `/admin/users/${id}/sessions/end-all`;

    test("the card lists the sessions and grants; End all sessions signs the user out everywhere and revokes the grants", async () => {
      const { user, phone, laptop, config, refreshToken, accessToken } = await userWithAppAndTwoBrowsers(app, "ivan");
      const page = await admin.get(`/admin/users/${user.id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<table id="user-sessions">[\s\S]*Firefox 128 on Linux[\s\S]*Chrome 126 on Windows[\s\S]*<\/table>/);
      assert.match(page.text, /id="grant-count">1 app grant /);
      assert.deepEqual(sessionHandles(page.text), [], "no per-session handles on the admin page");
      assert.match(page.text, new RegExp(`action="${endAll(user.id)}"`));

      const res = await admin.post(endAll(user.id), { _csrf: csrfFrom(page.text) });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/admin/users/${user.id}?notice=sessionsEnded`);
      assert.equal(await signedIn(phone), false);
      assert.equal(await signedIn(laptop), false);
      assert.equal(await signedIn(admin), true, "the admin's own session is untouched");
      await assert.rejects(oidc.refreshTokenGrant(config, refreshToken), (err: { error?: string }) => err.error === "invalid_grant");
      assert.equal((await app.request.get("/me").set("Authorization", `Bearer ${accessToken}`)).status, 401);

      const after = await admin.get(res.headers.location);
      assert.match(after.text, /Every session of the user has ended/);
      assert.match(after.text, /No active sessions\./);
      assert.match(after.text, /id="grant-count">0 app grants /);
      const ev = (await auditActions(app.t, "admin.user.sessions.end_all"))[0];
      assert.equal(ev?.actor, "admin");
      assert.equal(ev?.target, `user:${user.id}`);
      assert.equal(ev?.outcome, "success");
      assert.deepEqual(ev?.details, { username: "ivan", sessions: 2, grants: 1 });
    });

    test("an auditor sees the card without the button and is refused; a wrong CSRF token ends nothing", async () => {
      const { user, phone, laptop, config, refreshToken } = await userWithAppAndTwoBrowsers(app, "judy");
      const d = app.t.services.directory;
      const auditors = await d.createGroup({ name: "auditors" }, "test");
      await newUser(app.t, "kim");
      const kimUser = (await d.findUserByUsername("kim"))!;
      await d.setUserGroups(kimUser.id, kimUser.version, [auditors.id], "test");
      const kim = await login(app.request, "kim");

      const page = await kim.get(`/admin/users/${user.id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<table id="user-sessions">[\s\S]*Chrome 126 on Windows/);
      assert.doesNotMatch(page.text, /sessions\/end-all/, "no End all sessions form for auditors");
      const refused = await kim.post(endAll(user.id), { _csrf: csrfFrom(page.text) });
      assert.equal(refused.status, 403);
      assert.match(refused.text, /Auditors can look but not change anything/);
      const [ev] = await auditActions(app.t, "admin.write");
      assert.equal(ev?.actor, "kim");
      assert.equal(ev?.outcome, "denied");

      const forged = await admin.post(endAll(user.id), { _csrf: "wrong" });
      assert.equal(forged.status, 403);
      assert.match(forged.text, /did not come from this site/);

      assert.equal(await signedIn(phone), true);
      assert.equal(await signedIn(laptop), true);
      assert.ok((await oidc.refreshTokenGrant(config, refreshToken)).access_token, "the grant still works");
      assert.equal((await auditActions(app.t, "admin.user.sessions.end_all")).filter((e) => e.target === `user:${user.id}`).length, 0);
    });

    test("an unknown user: 404 page", async () => {
      const page = await admin.get("/admin/users");
      const res = await admin.post(endAll("00000000-0000-4000-8000-000000000000"), { _csrf: csrfFrom(page.text) });
      assert.equal(res.status, 404);
      assert.match(res.text, /No such user\./);
    });
  });
}

// Admin actions that take standing away from a user end everything the user holds, from the pages
// and from the JSON API alike: a password reset, a two-step reset, disabling and deleting each end
// every web session and revoke every OIDC grant with its tokens (the app's refresh token answers
// invalid_grant), under the action's one audit event with the counts. A refused action (bad input,
// stale version) ends nothing: the revocation shares the action's transaction.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { adminToken } from "../../helpers/admin-tokens.ts";
import { csrfFrom, login, type Browser } from "../../helpers/browser.ts";
import { testBackends } from "../../helpers/db.ts";
import { startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";
import { auditActions } from "../auth/support.ts";
import { signedIn, userWithAppAndTwoBrowsers } from "./two-browsers.ts";

type Held = Awaited<ReturnType<typeof userWithAppAndTwoBrowsers>>;
type Channel = "page" | "api";

interface Action {
  name: string;
  audit: string;
  /** the audit details besides the counts */
  details(username: string): Record<string, unknown>;
  run(via: Channel, user: Held["user"]): Promise<{ status: number }>;
}

for (const backend of testBackends()) {
  describe(`admin actions end the user's sessions and app grants (${backend})`, () => {
    let app: OidcTestApp;
    let admin: Browser;
    let token: string;
    let n = 0;
    before(async () => {
      app = await startOidcApp(backend);
      admin = await login(app.request, "admin");
      token = await adminToken(app.t.services);
    });
    after(() => app.close());

    const api = (method: "put" | "delete", path: string) => app.request[method](`/api/admin${path}`).set("Authorization", `Bearer ${token}`);
    const form = async (id: string, action: string, fields: Record<string, string> = {}) => {
      const page = await admin.get(`/admin/users/${id}`);
      return admin.post(`/admin/users/${id}/${action}`, { _csrf: csrfFrom(page.text), ...fields });
    };
    const refreshFails = (h: Held) => assert.rejects(oidc.refreshTokenGrant(h.config, h.refreshToken), (err: { error?: string }) => err.error === "invalid_grant");
    const grantRows = async (userId: string) => (await app.t.services.db.prisma.oidcArtifact.count({ where: { accountId: userId } }));

    const ACTIONS: Action[] = [
      {
        name: "password reset",
        audit: "directory.user.password",
        details: () => ({ cleared: false }),
        run: (via, u) => (via === "page" ? form(u.id, "password", { password: "a-new-password-1" }) : api("put", `/users/${u.id}/password`).send({ password: "a-new-password-1" })),
      },
      {
        name: "two-step verification reset",
        audit: "admin.user.mfa_reset",
        details: (username) => ({ username }),
        run: (via, u) => (via === "page" ? form(u.id, "mfa-reset") : api("delete", `/users/${u.id}/mfa`)),
      },
      {
        name: "disable",
        audit: "directory.user.disable",
        details: (username) => ({ username }),
        run: (via, u) => (via === "page" ? form(u.id, "disabled", { version: String(u.version), disabled: "on" }) : api("put", `/users/${u.id}/disabled`).send({ version: u.version, disabled: true })),
      },
      {
        name: "delete",
        audit: "directory.user.delete",
        details: (username) => ({ username }),
        run: (via, u) => (via === "page" ? form(u.id, "delete", { version: String(u.version) }) : api("delete", `/users/${u.id}?version=${u.version}`)),
      },
    ];

    for (const via of ["page", "api"] as const) {
      for (const action of ACTIONS) {
        test(`${action.name} (${via}): web sessions end, the refresh token answers invalid_grant, one audit event with the counts`, async () => {
          const held = await userWithAppAndTwoBrowsers(app, `standing${++n}`);
          const { user } = held;
          assert.equal(await grantRows(user.id), 1, "the user holds one grant");

          const res = await action.run(via, user);
          assert.ok(res.status === 303 || res.status === 204 || res.status === 200, `status ${res.status}`);
          assert.equal(await signedIn(held.phone), false);
          assert.equal(await signedIn(held.laptop), false);
          await refreshFails(held);
          assert.equal((await app.request.get("/me").set("Authorization", `Bearer ${held.accessToken}`)).status, 401);
          // gone, not just refused while the account is unusable: re-enabling must not revive them
          assert.equal(await grantRows(user.id), 0, "no grant of the user is left");
          if (action.name === "disable") {
            await app.t.services.directory.setUserDisabled(user.id, user.version + 1, false, "test");
            await refreshFails(held);
          }

          const events = (await auditActions(app.t, action.audit)).filter((e) => e.target === `user:${user.id}`);
          assert.equal(events.length, 1, "one audit event for the action");
          assert.deepEqual(events[0]!.details, { ...action.details(user.username), sessions: 2, grants: 1 });
          assert.equal((await auditActions(app.t, "admin.user.sessions.end_all")).filter((e) => e.target === `user:${user.id}`).length, 0, "not audited twice");
        });
      }
    }

    test("a refused action ends nothing: a too-short password, a stale version", async () => {
      const held = await userWithAppAndTwoBrowsers(app, `standing${++n}`);
      const { user } = held;
      assert.equal((await form(user.id, "password", { password: "short" })).status, 400);
      assert.equal((await api("put", `/users/${user.id}/password`).send({ password: "short" })).status, 400);
      assert.equal((await form(user.id, "disabled", { version: String(user.version + 5), disabled: "on" })).status, 409);
      assert.equal((await api("delete", `/users/${user.id}?version=${user.version + 5}`)).status, 409);
      assert.equal(await signedIn(held.phone), true);
      assert.equal(await signedIn(held.laptop), true);
      assert.ok((await oidc.refreshTokenGrant(held.config, held.refreshToken)).access_token, "the grant still works");
    });
  });
}

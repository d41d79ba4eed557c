// Server-side sessions: idle and absolute expiry, lastSeenAt throttling, logout, requireUser,
// a disabled user's session, and a session served by a second instance.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD, cookieAttributes, csrfFrom, login } from "../../helpers/browser.ts";
import { auditActions, sessionRow, sessionRowId } from "./support.ts";

for (const backend of testBackends()) {
  describe(`sessions (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_SESSION_TTL: "3600", IDP_SESSION_IDLE_TIMEOUT: "600" } });
    });
    after(() => t.close());
    const prisma = () => t.services.db.prisma;
    const setRow = (b: Browser, data: { lastSeenAt?: Date; expiresAt?: Date }) => prisma().webSession.update({ where: { idHash: sessionRowId(b) }, data });

    async function assertSignedOut(b: Browser) {
      const id = sessionRowId(b);
      const res = await b.get("/");
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/login");
      assert.ok(cookieAttributes(res, "idp_session"), "the dead cookie is cleared");
      assert.equal(b.session, undefined);
      assert.equal(await prisma().webSession.findUnique({ where: { idHash: id } }), null, "and its row deleted");
    }

    test("a new session expires at the absolute TTL", async () => {
      const b = await login(t.request, "alice");
      const row = await sessionRow(t, b);
      const ttl = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 1000;
      assert.equal(ttl, 3600);
    });

    test("idle timeout: no request for longer than the idle time ends the session", async () => {
      const b = await login(t.request, "alice");
      await setRow(b, { lastSeenAt: new Date(Date.now() - 601_000) });
      await assertSignedOut(b);
    });

    test("absolute lifetime: past expiresAt the session ends however active it is", async () => {
      const b = await login(t.request, "alice");
      await setRow(b, { expiresAt: new Date(Date.now() - 1000), lastSeenAt: new Date() });
      await assertSignedOut(b);
    });

    test("lastSeenAt is written at most once a minute", async () => {
      const b = await login(t.request, "alice");
      const recent = new Date(Date.now() - 30_000);
      await setRow(b, { lastSeenAt: recent });
      await b.get("/");
      assert.equal((await sessionRow(t, b))!.lastSeenAt.getTime(), recent.getTime(), "not touched within the minute");
      const old = new Date(Date.now() - 120_000);
      await setRow(b, { lastSeenAt: old });
      await b.get("/");
      const touched = (await sessionRow(t, b))!.lastSeenAt.getTime();
      assert.ok(touched > old.getTime() + 60_000, "touched after a minute");
      await b.get("/");
      assert.equal((await sessionRow(t, b))!.lastSeenAt.getTime(), touched, "and not again right away");
    });

    test("logout deletes the session server-side, clears the cookie, and is audited", async () => {
      const b = await login(t.request, "bob");
      const value = b.session!;
      const page = await b.get("/");
      const res = await b.post("/logout", { _csrf: csrfFrom(page.text) });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/login?signed_out=1");
      assert.equal(b.session, undefined);
      const replay = new Browser(t.request);
      replay.jar.set("idp_session", value);
      const after = await replay.get("/");
      assert.equal(after.status, 303, "the old cookie no longer works");
      assert.equal(after.headers.location, "/login");
      assert.ok((await auditActions(t, "logout")).some((e) => e.actor === "bob"));
      assert.match((await b.get("/login?signed_out=1")).text, /You have signed out\./);
    });

    test("logout without a session just goes to the login page", async () => {
      const res = await new Browser(t.request).post("/logout", {});
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/login?signed_out=1");
    });

    test("requireUser: browsers go to /login with a way back; JSON clients get 401 problem+json", async () => {
      const anon = new Browser(t.request);
      const res = await anon.get("/account/mfa");
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/login?return_to=%2Faccount%2Fmfa");
      const b = await login(t.request, "alice", DEMO_PASSWORD, { returnTo: "/account/mfa" });
      assert.equal((await b.get("/account/mfa")).status, 200);
      const api = await anon.get("/account/mfa", { Accept: "application/json" });
      assert.equal(api.status, 401);
      assert.match(api.headers["content-type"]!, /application\/problem\+json/);
      assert.equal(JSON.parse(api.text).status, 401);
    });

    test("disabling a user ends their live sessions at once", async () => {
      const b = await login(t.request, "bob");
      assert.equal((await b.get("/")).status, 200);
      const bob = await t.services.directory.findUserByUsername("bob");
      await t.services.directory.setUserDisabled(bob!.id, bob!.version, true, "test");
      try {
        await assertSignedOut(b);
      } finally {
        const now = await t.services.directory.findUserByUsername("bob");
        await t.services.directory.setUserDisabled(now!.id, now!.version, false, "test");
      }
    });

    test("a forged or unknown cookie value is ignored and cleared", async () => {
      const b = new Browser(t.request);
      b.jar.set("idp_session", "A".repeat(43));
      const res = await b.get("/");
      assert.equal(res.headers.location, "/login");
      assert.equal(b.session, undefined);
    });

    test("other modules can keep small per-session data; concurrent patches both land", async () => {
      const b = await login(t.request, "alice");
      const id = sessionRowId(b);
      await Promise.all([t.services.auth.sessions.updateData(id, { a: 1 }), t.services.auth.sessions.updateData(id, { b: "two" })]);
      assert.deepEqual((await sessionRow(t, b))!.data, { a: 1, b: "two" });
    });

    test("sweep removes expired rows", async () => {
      const b = await login(t.request, "alice");
      await setRow(b, { expiresAt: new Date(Date.now() - 1000) });
      await t.services.auth.sweep();
      assert.equal(await sessionRow(t, b), null);
    });

    if (backend === "postgres") {
      test("a session made on one instance works on another, and logout there ends it everywhere", async () => {
        const other = await t.startAnother();
        try {
          const a = await login(t.request, "alice");
          const b = a.on(other.request);
          const home = await b.get("/");
          assert.equal(home.status, 200);
          assert.match(home.text, /Alice Example/);
          assert.equal((await b.post("/logout", { _csrf: csrfFrom(home.text) })).status, 303);
          assert.equal((await a.get("/")).status, 303, "instance A no longer accepts it");
        } finally {
          await other.close();
        }
      });
    }
  });
}

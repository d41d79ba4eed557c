// CSRF: missing, mismatched, another visitor's or another session's token, cross-site origin.
// Each is refused with 403, audited, and changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD, csrfFrom, login } from "../../helpers/browser.ts";
import { auditActions, sessionRow } from "./support.ts";

for (const backend of testBackends()) {
  describe(`csrf (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    const sessions = () => t.services.db.prisma.webSession.count();
    const creds = { username: "alice", password: DEMO_PASSWORD };

    async function refused(res: { status: number; text: string; headers: Record<string, unknown> }) {
      assert.equal(res.status, 403);
      assert.match(res.text, /This form has expired or did not come from this site/);
      assert.doesNotMatch(res.text, /at .*\.ts:\d+/, "no stack trace");
      assert.equal(res.headers["set-cookie"]?.toString().includes("idp_session=") ?? false, false, "no session cookie");
    }

    test("login without a token: 403, no session, audited", async () => {
      const before = (await auditActions(t, "csrf.failure")).length;
      const b = new Browser(t.request);
      await b.get("/login");
      await refused(await b.post("/login", creds));
      assert.equal(await sessions(), 0);
      const events = await auditActions(t, "csrf.failure");
      assert.equal(events.length, before + 1);
      assert.equal((events[0]!.details as { reason: string }).reason, "missing");
      assert.equal(events[0]!.target, "POST /login");
    });

    test("login with a token but without its nonce cookie: 403", async () => {
      const page = await new Browser(t.request).get("/login");
      await refused(await new Browser(t.request).post("/login", { _csrf: csrfFrom(page.text), ...creds }));
      assert.equal(await sessions(), 0);
    });

    test("login with another visitor's token: 403", async () => {
      const a = new Browser(t.request);
      const b = new Browser(t.request);
      const pageA = await a.get("/login");
      await b.get("/login");
      await refused(await b.post("/login", { _csrf: csrfFrom(pageA.text), ...creds }));
      await refused(await b.post("/login", { _csrf: csrfFrom(pageA.text).slice(0, -2) + "AA", ...creds }));
      assert.equal(await sessions(), 0);
    });

    test("a good token from a cross-site page: 403", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login");
      await refused(await b.post("/login", { _csrf: csrfFrom(page.text), ...creds }, { Origin: "https://evil.example" }));
      await refused(await b.post("/login", { _csrf: csrfFrom(page.text), ...creds }, { "Sec-Fetch-Site": "cross-site" }));
      assert.equal(await sessions(), 0);
      const ok = await b.post("/login", { _csrf: csrfFrom(page.text), ...creds }, { Origin: "http://127.0.0.1:4000", "Sec-Fetch-Site": "same-origin" });
      assert.equal(ok.status, 303, "the same request from our own origin passes");
    });

    test("signed in: another session's token is refused and the session survives", async () => {
      const alice = await login(t.request, "alice");
      const bob = await login(t.request, "bob");
      const bobToken = csrfFrom((await bob.get("/account/mfa")).text);
      const aliceToken = csrfFrom((await alice.get("/account/mfa")).text);
      assert.notEqual(bobToken, aliceToken);
      await refused(await alice.post("/logout", { _csrf: bobToken }));
      assert.ok(await sessionRow(t, alice), "alice is still signed in");
      assert.equal((await alice.get("/")).status, 200);

      await refused(await alice.post("/account/mfa/setup", { _csrf: bobToken }));
      await refused(await alice.post("/account/mfa/setup", {}));
      const user = await t.services.db.prisma.user.findUnique({ where: { username: "alice" } });
      assert.equal(user!.totpSecretEnc, null, "nothing changed");
    });

    test("signed in: the pre-login anonymous token is no longer accepted", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login");
      const anonymous = csrfFrom(page.text);
      assert.equal((await b.post("/login", { _csrf: anonymous, ...creds })).status, 303);
      await refused(await b.post("/account/mfa/setup", { _csrf: anonymous }));
    });
  });
}

// Password login through the real pages: cookies, generic failures, return_to, rehash.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hash } from "@node-rs/argon2";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD, cookieAttributes, csrfFrom, login } from "../../helpers/browser.ts";
import { auditActions, ipSource, sessionRow } from "./support.ts";

for (const backend of testBackends()) {
  describe(`login (${backend})`, () => {
    let t: TestApp;
    const ip = ipSource("198.51.100");
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_TRUST_PROXY: "true" } });
    });
    after(() => t.close());

    test("an anonymous visitor at / is sent to /login", async () => {
      const res = await new Browser(t.request).get("/");
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/login");
    });

    test("the login page: labelled fields, autofocus, a CSRF field, no-store, no inline script", async () => {
      const res = await new Browser(t.request).get("/login");
      assert.equal(res.status, 200);
      assert.equal(res.headers["cache-control"], "no-store");
      assert.match(res.text, /<label for="username">/);
      assert.match(res.text, /<label for="password">/);
      assert.match(res.text, /id="username"[^>]*autofocus/);
      assert.ok(csrfFrom(res.text).length >= 40);
      assert.doesNotMatch(res.text, /<script/i);
      assert.doesNotMatch(res.text, /https?:\/\/(?!www\.w3\.org)/, "no external assets");
      // the anonymous token rides on a nonce cookie, not on a database row
      assert.ok(cookieAttributes(res, "idp_csrf"));
      assert.equal(await t.services.db.prisma.webSession.count(), 0);
    });

    test("success: 303 to /, a session cookie that is HttpOnly, SameSite=Lax, Path=/, not Secure over http", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login", ip());
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: "alice", password: DEMO_PASSWORD });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/");
      const attrs = cookieAttributes(res, "idp_session");
      assert.ok(attrs, "session cookie set");
      assert.equal(attrs.httponly, true);
      assert.equal(attrs.samesite, "Lax");
      assert.equal(attrs.path, "/");
      assert.equal(attrs.secure, undefined);
      assert.match(b.session!, /^[A-Za-z0-9_-]{43}$/, "256 random bits, base64url");

      const row = await sessionRow(t, b);
      assert.ok(row, "stored under the SHA-256 of the cookie value");
      assert.notEqual(row.idHash, b.session);
      assert.deepEqual(row.amr, ["pwd"]);
      assert.equal(row.pendingMfa, false);
      assert.ok(row.authTime);

      const home = await b.get("/");
      assert.equal(home.status, 200);
      assert.match(home.text, /Alice Example/);
      assert.match(home.text, /href="\/saml\/idp-init\?sp=urn%3Aamazon%3Awebservices"/);
      const events = await auditActions(t, "login.success");
      assert.ok(events.some((e) => e.target === "alice" && e.actor === "alice"));
    });

    test("signing in again replaces the session: the earlier cookie value stops working", async () => {
      const b = await login(t.request, "alice", DEMO_PASSWORD, { headers: ip() });
      const before = b.session!;
      const again = await b.submit("/login?prompt=login", "/login", { username: "bob", password: DEMO_PASSWORD, prompt: "login" });
      assert.equal(again.status, 303);
      assert.notEqual(b.session, before);
      const stale = new Browser(t.request);
      stale.jar.set("idp_session", before);
      const res = await stale.get("/");
      assert.equal(res.status, 303, "the pre-login value is not accepted");
      assert.equal(res.headers.location, "/login");
      assert.match((await b.get("/")).text, /Bob Example/);
    });

    test("a cookie value planted before login is never adopted (session fixation)", async () => {
      const planted = "P".repeat(43);
      const b = new Browser(t.request);
      b.jar.set("idp_session", planted);
      const page = await b.get("/login", ip());
      assert.equal(b.session, undefined, "an unknown value is cleared on sight");
      b.jar.set("idp_session", planted);
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: "alice", password: DEMO_PASSWORD });
      assert.equal(res.status, 303);
      assert.notEqual(b.session, planted);
      const attacker = new Browser(t.request);
      attacker.jar.set("idp_session", planted);
      assert.equal((await attacker.get("/")).status, 303);
    });

    test("wrong password, unknown user and disabled user look the same", async () => {
      const bob = await t.services.directory.findUserByUsername("bob");
      await t.services.directory.setUserDisabled(bob!.id, bob!.version, true, "test");
      const bobSessions = () => t.services.db.prisma.webSession.count({ where: { userId: bob!.id } });
      const sessionsBefore = await bobSessions();
      try {
        const attempt = async (username: string, password: string) => {
          const b = new Browser(t.request);
          const res = await b.submit("/login", "/login", { username, password }, ip());
          assert.equal(b.session, undefined, "no session cookie");
          return { status: res.status, body: res.text.replace(/value="[^"]*"/g, 'value=""') };
        };
        const wrong = await attempt("alice", "not-the-password");
        const unknown = await attempt("nobody-here", "not-the-password");
        const disabled = await attempt("bob", DEMO_PASSWORD);
        assert.equal(wrong.status, 401);
        assert.match(wrong.body, /Incorrect username or password\./);
        assert.deepEqual(unknown, wrong);
        assert.deepEqual(disabled, wrong);
        const reasons = (await auditActions(t, "login.failure")).map((e) => (e.details as { reason: string }).reason);
        for (const r of ["bad_password", "unknown_user", "disabled"]) assert.ok(reasons.includes(r), r);
        assert.equal(await bobSessions(), sessionsBefore, "no session for the disabled user");
      } finally {
        const now = await t.services.directory.findUserByUsername("bob");
        await t.services.directory.setUserDisabled(now!.id, now!.version, false, "test");
      }
    });

    test("usernames are case-insensitive", async () => {
      const b = await login(t.request, "  ALICE ", DEMO_PASSWORD, { headers: ip() });
      assert.match((await b.get("/")).text, /Alice Example/);
    });

    test("return_to: a relative path is honoured, open-redirect attempts are ignored", async () => {
      const ok = await new Browser(t.request).submit("/login", "/login", { username: "alice", password: DEMO_PASSWORD, return_to: "/account/mfa?x=1" }, ip());
      assert.equal(ok.headers.location, "/account/mfa?x=1");
      for (const evil of ["//evil.com", "https://evil.com", "/\\evil.com", "/\t/evil.com", "\\\\evil.com"]) {
        const page = await new Browser(t.request).get(`/login?return_to=${encodeURIComponent(evil)}`);
        assert.doesNotMatch(page.text, /name="return_to"/, `${JSON.stringify(evil)} not carried into the form`);
        const res = await new Browser(t.request).submit("/login", "/login", { username: "alice", password: DEMO_PASSWORD, return_to: evil }, ip());
        assert.equal(res.status, 303);
        assert.equal(res.headers.location, "/", JSON.stringify(evil));
      }
    });

    test("the return_to from the page survives a failed attempt", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login?return_to=%2Faccount%2Fmfa", ip());
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: "alice", password: "wrong", return_to: "/account/mfa" }, ip());
      assert.equal(res.status, 401);
      assert.match(res.text, /name="return_to" value="\/account\/mfa"/);
      assert.match(res.text, /id="password"[^>]*autofocus/, "focus moves to the password");
    });

    test("missing fields: 400 with a message next to each field, not counted as a failure", async () => {
      const res = await new Browser(t.request).submit("/login", "/login", { username: "", password: "" }, ip());
      assert.equal(res.status, 400);
      assert.match(res.text, /id="username-error">Enter your username\./);
      assert.match(res.text, /id="password-error">Enter your password\./);
      assert.match(res.text, /aria-describedby="username-error"/);
      const row = await t.services.db.prisma.loginThrottle.findUnique({ where: { key: "user:" } });
      assert.equal(row, null);
    });

    test("a signed-in visitor at /login goes on to return_to; prompt=login shows the form", async () => {
      const b = await login(t.request, "alice", DEMO_PASSWORD, { headers: ip() });
      const res = await b.get("/login?return_to=%2Faccount%2Fmfa");
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/account/mfa");
      const forced = await b.get("/login?prompt=login");
      assert.equal(forced.status, 200);
      assert.match(forced.text, /name="prompt" value="login"/);
    });

    test("a hash made with weaker parameters is upgraded on login", async () => {
      const prisma = t.services.db.prisma;
      const weak = await hash(DEMO_PASSWORD, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
      await prisma.user.update({ where: { username: "admin" }, data: { passwordHash: weak } });
      await login(t.request, "admin", DEMO_PASSWORD, { headers: ip() });
      const after = await prisma.user.findUnique({ where: { username: "admin" } });
      assert.notEqual(after!.passwordHash, weak);
      assert.equal(t.services.passwords.needsRehash(after!.passwordHash!), false);
      await login(t.request, "admin", DEMO_PASSWORD, { headers: ip() });
    });

    test("logins are counted by outcome in the metrics", async () => {
      const text = await t.services.metrics.registry.metrics();
      assert.match(text, /idp_logins_total\{outcome="success"\} [1-9]/);
      assert.match(text, /idp_logins_total\{outcome="failure"\} [1-9]/);
    });
  });

  describe(`login over https (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_BASE_URL: "https://idp.example.test" } });
    });
    after(() => t.close());

    test("cookies are Secure and __Host- prefixed", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login");
      const csrf = cookieAttributes(page, "__Host-idp_csrf");
      assert.ok(csrf);
      assert.equal(csrf.secure, true);
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: "alice", password: DEMO_PASSWORD });
      assert.equal(res.status, 303);
      const attrs = cookieAttributes(res, "__Host-idp_session");
      assert.ok(attrs);
      assert.equal(attrs.secure, true);
      assert.equal(attrs.httponly, true);
      assert.equal(attrs.path, "/");
      assert.equal(attrs.domain, undefined, "__Host- cookies carry no Domain");
      assert.equal((await b.get("/")).status, 200);
    });
  });
}

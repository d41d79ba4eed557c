// Account lockout and IP rate limiting, shared through LoginThrottle rows.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD, type Requester } from "../../helpers/browser.ts";
import { auditActions, ipSource } from "./support.ts";

async function attempt(request: Requester, username: string, password: string, headers: Record<string, string>) {
  return new Browser(request).submit("/login", "/login", { username, password }, headers);
}

/** `n` sign-in pages opened first (each a new visitor with its CSRF token), so that the POSTs can go at once */
function loginForms(requests: Requester[], n: number) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const b = new Browser(requests[i % requests.length]!);
      const page = await b.get("/login");
      return { b, csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! };
    }),
  );
}

for (const backend of testBackends()) {
  describe(`account lockout (${backend})`, () => {
    let t: TestApp;
    const ip = ipSource("203.0.113");
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_TRUST_PROXY: "true", IDP_LOCKOUT_THRESHOLD: "3", IDP_LOCKOUT_SECONDS: "900", IDP_IP_FAILURE_LIMIT: "1000" } });
    });
    after(() => t.close());
    const throttle = (key: string) => t.services.db.prisma.loginThrottle.findUnique({ where: { key } });

    test("three failures lock the account; then even the right password gets 423", async () => {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await attempt(t.request, "alice", "wrong", ip())).status);
      assert.deepEqual(statuses, [401, 401, 423]);
      const locked = await attempt(t.request, "alice", DEMO_PASSWORD, ip());
      assert.equal(locked.status, 423);
      assert.match(locked.text, /locked for 15 minutes/);
      const retry = Number(locked.headers["retry-after"]);
      assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
      assert.equal(locked.headers["set-cookie"]?.toString().includes("idp_session") ?? false, false);

      const lockouts = (await auditActions(t, "login.lockout")).filter((e) => e.target === "alice");
      assert.equal(lockouts.length, 1);
      const failures = (await auditActions(t, "login.failure")).filter((e) => e.target === "alice");
      assert.ok(failures.some((e) => (e.details as { reason: string }).reason === "locked"));
      assert.equal((await throttle("user:alice"))!.failures, 3, "attempts during the lock are not counted");
    });

    test("the lock ends when lockedUntil passes, and success clears the count", async () => {
      await t.services.db.prisma.loginThrottle.update({ where: { key: "user:alice" }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      const res = await attempt(t.request, "alice", DEMO_PASSWORD, ip());
      assert.equal(res.status, 303);
      assert.equal(await throttle("user:alice"), null);
    });

    test("an expired lock starts a fresh count instead of relocking at once", async () => {
      for (let i = 0; i < 3; i++) await attempt(t.request, "admin", "wrong", ip());
      await t.services.db.prisma.loginThrottle.update({ where: { key: "user:admin" }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      assert.equal((await attempt(t.request, "admin", "wrong", ip())).status, 401);
      assert.equal((await throttle("user:admin"))!.failures, 1);
      assert.equal((await attempt(t.request, "admin", DEMO_PASSWORD, ip())).status, 303);
    });

    test("only consecutive failures count: a success in between resets", async () => {
      const seq = ["wrong", "wrong", DEMO_PASSWORD, "wrong", "wrong"];
      const statuses = [];
      for (const p of seq) statuses.push((await attempt(t.request, "bob", p, ip())).status);
      assert.deepEqual(statuses, [401, 401, 303, 401, 401]);
      assert.equal((await attempt(t.request, "bob", DEMO_PASSWORD, ip())).status, 303);
    });

    test("an unknown username locks exactly like a real one", async () => {
      const real = [];
      const unknown = [];
      for (let i = 0; i < 4; i++) {
        real.push(await attempt(t.request, "admin", "wrong", ip()));
        unknown.push(await attempt(t.request, "no-such-user", "wrong", ip()));
      }
      assert.deepEqual(
        unknown.map((r) => r.status),
        real.map((r) => r.status),
      );
      // the same page, but for the echoed name, the CSRF token and the request id
      const shape = (text: string) => text.replace(/value="[^"]*"/g, "").replace(/<code>[0-9a-f-]{36}<\/code>/g, "");
      assert.deepEqual(unknown.map((r) => shape(r.text)), real.map((r) => shape(r.text)));
      assert.equal(unknown.at(-1)!.status, 423);
      assert.ok(Math.abs(Number(unknown.at(-1)!.headers["retry-after"]) - Number(real.at(-1)!.headers["retry-after"])) <= 1);
    });
  });

  describe(`IP rate limit (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_TRUST_PROXY: "true", IDP_LOCKOUT_THRESHOLD: "100", IDP_IP_FAILURE_LIMIT: "3", IDP_IP_WINDOW_SECONDS: "600" } });
    });
    after(() => t.close());

    test("more than the limit of failures from one address → 429 with Retry-After, other addresses unaffected", async () => {
      const from = { "X-Forwarded-For": "192.0.2.10" };
      const statuses = [];
      for (const u of ["alice", "bob", "nobody"]) statuses.push((await attempt(t.request, u, "wrong", from)).status);
      assert.deepEqual(statuses, [401, 401, 401]);
      const limited = await attempt(t.request, "alice", DEMO_PASSWORD, from);
      assert.equal(limited.status, 429);
      const retry = Number(limited.headers["retry-after"]);
      assert.ok(retry > 500 && retry <= 600, `Retry-After ${retry}`);
      assert.match(limited.text, /Too many failed sign-in attempts from your network/);
      assert.equal((await attempt(t.request, "alice", DEMO_PASSWORD, { "X-Forwarded-For": "192.0.2.11" })).status, 303);
      const limited2 = await attempt(t.request, "bob", "wrong", from);
      assert.equal(limited2.status, 429);
      const events = await auditActions(t, "login.rate_limit");
      assert.equal(events.length, 1, "audited once, when the address reached its limit");
      assert.equal(events[0]!.target, "ip:192.0.2.10");
      assert.equal((await t.services.db.prisma.loginThrottle.findUnique({ where: { key: "ip:192.0.2.10" } }))!.failures, 3, "refusals are not counted");
    });

    test("the window ends and the address may try again", async () => {
      await t.services.db.prisma.loginThrottle.update({ where: { key: "ip:192.0.2.10" }, data: { windowStart: new Date(Date.now() - 601_000) } });
      assert.equal((await attempt(t.request, "alice", DEMO_PASSWORD, { "X-Forwarded-For": "192.0.2.10" })).status, 303);
    });
  });

  describe(`concurrent failures (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_TRUST_PROXY: "true", IDP_LOCKOUT_THRESHOLD: "24", IDP_IP_FAILURE_LIMIT: "1000" } });
    });
    after(() => t.close());

    test("parallel wrong passwords, across two instances where possible, are each counted exactly once", async () => {
      const other = backend === "postgres" ? await t.startAnother() : undefined;
      try {
        const requests = [t.request, other?.request ?? t.request];
        // pages (and their CSRF tokens) first, then all the POSTs at once
        const forms = await loginForms(requests, 24);
        const results = await Promise.all(forms.map(({ b, csrf }) => b.post("/login", { _csrf: csrf, username: "bob", password: "wrong" }, { "X-Forwarded-For": "192.0.2.99" })));
        const statuses = results.map((r) => r.status).sort();
        assert.deepEqual(statuses, [...Array(23).fill(401), 423], "the 24th failure, and only it, locks");
        const user = await t.services.db.prisma.loginThrottle.findUnique({ where: { key: "user:bob" } });
        const addr = await t.services.db.prisma.loginThrottle.findUnique({ where: { key: "ip:192.0.2.99" } });
        assert.equal(user!.failures, 24);
        assert.ok(user!.lockedUntil);
        assert.equal(addr!.failures, 24);
        assert.equal((await auditActions(t, "login.lockout")).filter((e) => e.target === "bob").length, 1);
      } finally {
        await other?.close();
      }
    });
  });

  // Guessing in parallel: every request of a burst reads the account as unlocked before the first
  // of them is counted, unless attempts are counted before they are checked.
  describe(`a burst of concurrent guesses (${backend})`, () => {
    const THRESHOLD = 3;
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_TRUST_PROXY: "true", IDP_LOCKOUT_THRESHOLD: String(THRESHOLD), IDP_IP_FAILURE_LIMIT: "1000" } });
    });
    after(() => t.close());

    test("buys no more password checks than the lockout threshold, and locks the account", async () => {
      const forms = await loginForms([t.request], 16);
      // the right password rides at the end of the burst: it must not get through either
      const guesses = forms.map((_, i) => (i === forms.length - 1 ? DEMO_PASSWORD : `guess-${i}`));
      const results = await Promise.all(forms.map(({ b, csrf }, i) => b.post("/login", { _csrf: csrf, username: "bob", password: guesses[i]! }, { "X-Forwarded-For": "192.0.2.77" })));
      const statuses = results.map((r) => r.status);
      const checked = (await auditActions(t, "login.failure")).filter((e) => e.target === "bob" && (e.details as { reason: string }).reason !== "locked");
      assert.ok(checked.length <= THRESHOLD, `${checked.length} passwords were checked; statuses ${statuses.join(",")}`);
      assert.equal(statuses.filter((s) => s === 303).length, 0, `statuses ${statuses.join(",")}`);
      assert.ok(statuses.every((s) => s === 401 || s === 423 || s === 429), `statuses ${statuses.join(",")}`);
      assert.ok((await t.services.db.prisma.loginThrottle.findUnique({ where: { key: "user:bob" } }))!.lockedUntil);
      const lockouts = (await auditActions(t, "login.lockout")).filter((e) => e.target === "bob");
      assert.equal(lockouts.length, 1, JSON.stringify(lockouts.map((e) => e.details)));
      assert.equal((await attempt(t.request, "bob", DEMO_PASSWORD, { "X-Forwarded-For": "192.0.2.78" })).status, 423);
    });

    test("parallel sign-ins with the right password never lock the account", async () => {
      const forms = await loginForms([t.request], 12);
      const results = await Promise.all(forms.map(({ b, csrf }) => b.post("/login", { _csrf: csrf, username: "alice", password: DEMO_PASSWORD }, { "X-Forwarded-For": "192.0.2.79" })));
      const statuses = results.map((r) => r.status);
      assert.ok(statuses.includes(303), `statuses ${statuses.join(",")}`);
      assert.ok(statuses.every((s) => s === 303 || s === 429), `only sign-ins and "try again in a moment": ${statuses.join(",")}`);
      assert.equal((await t.services.db.prisma.loginThrottle.findUnique({ where: { key: "user:alice" } }))?.lockedUntil ?? null, null);
      assert.equal((await auditActions(t, "login.lockout")).filter((e) => e.target === "alice").length, 0);
      assert.equal((await attempt(t.request, "alice", DEMO_PASSWORD, { "X-Forwarded-For": "192.0.2.79" })).status, 303);
    });

    test("with the threshold's worth of attempts in flight, one more is refused unchecked: 429, not counted, nothing locked", async () => {
      const key = "user:carol";
      for (let i = 1; i <= THRESHOLD; i++) assert.deepEqual(await t.services.auth.throttle.reserveAttempt(key), { reserved: true, failures: i });
      const refused = await attempt(t.request, "carol", DEMO_PASSWORD, { "X-Forwarded-For": "192.0.2.80" });
      assert.equal(refused.status, 429);
      assert.match(refused.text, /Too many sign-in attempts for this account at once/);
      assert.equal(refused.headers["retry-after"], "1");
      const row = await t.services.db.prisma.loginThrottle.findUnique({ where: { key } });
      assert.equal(row!.failures, THRESHOLD, "the refused attempt is not counted");
      assert.equal(row!.lockedUntil, null);
      assert.equal((await auditActions(t, "login.failure")).filter((e) => e.target === "carol").length, 0, "nothing was checked");
    });
  });
}

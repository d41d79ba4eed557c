// TOTP enrolment and the second login step: replay, recovery codes, lockout, disabling.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TOTP_PERIOD, totpAt } from "../../../src/auth/index.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD, csrfFrom, login } from "../../helpers/browser.ts";
import { auditActions, newUser, recoveryCodesFrom, secretFrom, sessionRow } from "./support.ts";

const codeAt = (secret: string, offsetSteps: number) => totpAt(secret, new Date(Date.now() + offsetSteps * TOTP_PERIOD * 1000));

async function enrol(t: TestApp, username: string): Promise<{ browser: Browser; secret: string; recovery: string[] }> {
  const browser = await login(t.request, username);
  assert.equal((await browser.submit("/account/mfa", "/account/mfa/setup", {})).status, 303);
  const page = await browser.get("/account/mfa");
  const secret = secretFrom(page.text);
  const done = await browser.post("/account/mfa/confirm", { _csrf: csrfFrom(page.text), code: codeAt(secret, 0) });
  assert.equal(done.status, 200, done.text);
  return { browser, secret, recovery: recoveryCodesFrom(done.text) };
}

/** Password step only: returns the browser holding the pending-MFA session. */
async function passwordStep(t: TestApp, username: string): Promise<Browser> {
  const b = new Browser(t.request);
  const res = await b.submit("/login", "/login", { username, password: DEMO_PASSWORD });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, "/login/mfa");
  return b;
}

for (const backend of testBackends()) {
  describe(`mfa (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_LOCKOUT_THRESHOLD: "4" } });
    });
    after(() => t.close());
    const prisma = () => t.services.db.prisma;
    let aliceSecret = "";
    let aliceCodes: string[] = [];

    test("enrolment: a local QR code and the key, confirmed by a code, then ten recovery codes once", async () => {
      const b = await login(t.request, "alice");
      const off = await b.get("/account/mfa");
      assert.match(off.text, /Set up two-step verification/);
      assert.equal((await b.submit("/account/mfa", "/account/mfa/setup", {})).status, 303);

      const page = await b.get("/account/mfa");
      assert.equal(page.headers["cache-control"], "no-store");
      assert.match(page.text, /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
      assert.match(page.text, /<label for="code">/);
      const secret = secretFrom(page.text);
      assert.match(secret, /^[A-Z2-7]{32}$/, "160-bit base32 key");

      const row = await prisma().user.findUnique({ where: { username: "alice" } });
      assert.equal(row!.totpEnabled, false, "not on before confirmation");
      assert.match(row!.totpSecretEnc!, /^v1\./, "sealed at rest");
      assert.ok(!row!.totpSecretEnc!.includes(secret));

      const wrong = await b.post("/account/mfa/confirm", { _csrf: csrfFrom(page.text), code: codeAt(secret, 3) });
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /id="code-error">That code did not match/);
      assert.equal((await prisma().user.findUnique({ where: { username: "alice" } }))!.totpEnabled, false);

      const done = await b.post("/account/mfa/confirm", { _csrf: csrfFrom(page.text), code: codeAt(secret, 0) });
      assert.equal(done.status, 200);
      assert.equal(done.headers["cache-control"], "no-store");
      const codes = recoveryCodesFrom(done.text);
      aliceSecret = secret;
      aliceCodes = codes;
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      const stored = await prisma().recoveryCode.findMany({ where: { userId: row!.id } });
      assert.equal(stored.length, 10);
      for (const s of stored) assert.ok(!codes.some((c) => s.codeHash.includes(c.replace(/-/g, ""))), "stored hashed");
      assert.equal((await prisma().user.findUnique({ where: { username: "alice" } }))!.totpEnabled, true);
      assert.ok((await auditActions(t, "mfa.enrol")).some((e) => e.target === "alice"));

      const after = await b.get("/account/mfa");
      assert.match(after.text, /10 unused recovery codes left/);
      assert.doesNotMatch(after.text, new RegExp(codes[0]!), "codes are shown only once");
    });

    test("login with MFA: pending session → wrong code → right code → replay refused → recovery code once", async () => {
      const secret = aliceSecret;

      // the password alone gives a pending session that reaches nothing but /login/mfa
      const b = await passwordStep(t, "alice");
      const pending = await sessionRow(t, b);
      assert.equal(pending!.pendingMfa, true);
      assert.equal(pending!.authTime, null);
      for (const path of ["/", "/account/mfa"]) {
        const res = await b.get(path);
        assert.equal(res.status, 303, path);
        assert.match(res.headers.location!, /^\/login\/mfa/);
      }
      const mfaPage = await b.get("/login/mfa");
      assert.match(mfaPage.text, /id="code"[^>]*autofocus/);
      assert.match(mfaPage.text, /autocomplete="one-time-code"/);

      const wrong = await b.post("/login/mfa", { _csrf: csrfFrom(mfaPage.text), code: codeAt(secret, 5) });
      assert.equal(wrong.status, 401);
      assert.match(wrong.text, /id="code-error">That code did not work/);

      const pendingValue = b.session!;
      const code = codeAt(secret, 1);
      const ok = await b.post("/login/mfa", { _csrf: csrfFrom(mfaPage.text), code });
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.location, "/");
      assert.notEqual(b.session, pendingValue, "session regenerated at MFA completion");
      const full = await sessionRow(t, b);
      assert.deepEqual(full!.amr, ["pwd", "otp"]);
      assert.equal(full!.pendingMfa, false);
      assert.ok(full!.authTime);
      assert.equal((await b.get("/")).status, 200);
      const stale = new Browser(t.request);
      stale.jar.set("idp_session", pendingValue);
      assert.equal((await stale.get("/login/mfa")).headers.location, "/login", "the pending cookie is dead");

      // the same code again, in a new login: a replay
      const again = await passwordStep(t, "alice");
      const replay = await again.submit("/login/mfa", "/login/mfa", { code });
      assert.equal(replay.status, 401);
      const verify = await auditActions(t, "mfa.verify");
      assert.equal((verify[0]!.details as { reason: string }).reason, "replay");
      assert.ok(verify.some((e) => e.outcome === "success" && (e.details as { method: string }).method === "totp"));

      // a recovery code instead (typed in upper case, without dashes), once
      const viaRecovery = await again.submit("/login/mfa", "/login/mfa", { code: aliceCodes[0]!.replace(/-/g, "").toUpperCase() });
      assert.equal(viaRecovery.status, 303);
      const row = await sessionRow(t, again);
      assert.deepEqual(row!.amr, ["pwd", "otp"]);
      assert.deepEqual(row!.data, { mfaMethod: "recovery_code" });
      assert.ok((await auditActions(t, "mfa.recovery_code_used")).some((e) => (e.details as { remaining: number }).remaining === 9));

      const third = await passwordStep(t, "alice");
      const reused = await third.submit("/login/mfa", "/login/mfa", { code: aliceCodes[0]! });
      assert.equal(reused.status, 401, "a recovery code works once");
    });

    test("new recovery codes (confirmed with a code) replace the old ones", async () => {
      const b = await login(t.request, "alice", DEMO_PASSWORD, { code: aliceCodes[1]! });
      const page = await b.get("/account/mfa");
      assert.match(page.text, /8 unused recovery codes left/);
      const wrong = await b.post("/account/mfa/recovery-codes", { _csrf: csrfFrom(page.text), code: "123456" });
      assert.equal(wrong.status, 400);
      const res = await b.post("/account/mfa/recovery-codes", { _csrf: csrfFrom(page.text), code: aliceCodes[2]! });
      assert.equal(res.status, 200);
      const fresh = recoveryCodesFrom(res.text);
      assert.equal(fresh.length, 10);
      assert.match(res.text, /Your old codes no longer work/);
      const next = await passwordStep(t, "alice");
      assert.equal((await next.submit("/login/mfa", "/login/mfa", { code: aliceCodes[3]! })).status, 401);
      assert.equal((await next.submit("/login/mfa", "/login/mfa", { code: fresh[0]! })).status, 303);
      aliceCodes = fresh.slice(1);
    });

    test("parallel uses of one code: exactly one passes", async () => {
      const { secret } = await enrol(t, "admin");
      // more than the lockout threshold (4 here): those beyond it are refused unchecked (429)
      const browsers: Browser[] = [];
      for (let i = 0; i < 6; i++) browsers.push(await passwordStep(t, "admin"));
      const pages = await Promise.all(browsers.map((b) => b.get("/login/mfa")));
      const code = codeAt(secret, 1);
      const results = await Promise.all(browsers.map((b, i) => b.post("/login/mfa", { _csrf: csrfFrom(pages[i]!.text), code })));
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 303).length, 1, `one success in ${statuses}`);
      // the losers are replays: refused, and counted toward the lockout (threshold 4 here)
      assert.ok(statuses.every((s) => s === 303 || s === 401 || s === 423 || s === 429), String(statuses));
      await prisma().loginThrottle.deleteMany({ where: { key: "user:admin" } });
    });

    test("wrong codes count toward the lockout, and a correct password does not reset them", async () => {
      const { secret } = await enrol(t, "bob");
      const wrongCode = async (b: Browser) => (await b.submit("/login/mfa", "/login/mfa", { code: codeAt(secret, 7) })).status;
      const first = await passwordStep(t, "bob");
      assert.equal(await wrongCode(first), 401);
      assert.equal(await wrongCode(first), 401);
      const second = await passwordStep(t, "bob");
      assert.equal(await wrongCode(second), 401);
      const locking = await second.submit("/login/mfa", "/login/mfa", { code: codeAt(secret, 7) });
      assert.equal(locking.status, 423);
      assert.match(locking.text, /locked/);
      assert.equal(await sessionRow(t, second).catch(() => null), null, "the half-done login is over");
      const afterLock = await new Browser(t.request).submit("/login", "/login", { username: "bob", password: DEMO_PASSWORD });
      assert.equal(afterLock.status, 423);
      assert.ok((await auditActions(t, "login.lockout")).some((e) => e.target === "bob"));
    });

    test("a burst of parallel wrong codes gets no more checks than the lockout threshold (4 here)", async () => {
      await newUser(t, "dave");
      const { secret } = await enrol(t, "dave");
      const b = await passwordStep(t, "dave");
      const page = await b.get("/login/mfa");
      const wrong = Array.from({ length: 12 }, (_, i) => codeAt(secret, 20 + i));
      const results = await Promise.all(wrong.map((code) => b.post("/login/mfa", { _csrf: csrfFrom(page.text), code })));
      const statuses = results.map((r) => r.status);
      const checked = (await auditActions(t, "login.failure")).filter((e) => e.target === "dave" && (e.details as { reason: string }).reason.startsWith("mfa_"));
      assert.ok(checked.length <= 4, `${checked.length} codes were checked; statuses ${statuses.join(",")}`);
      assert.ok((await prisma().loginThrottle.findUnique({ where: { key: "user:dave" } }))!.lockedUntil, "the burst locked the account");
      assert.equal((await new Browser(t.request).submit("/login", "/login", { username: "dave", password: DEMO_PASSWORD })).status, 423);
    });

    test("turning MFA off needs a current code; then login asks for the password only", async () => {
      await prisma().loginThrottle.deleteMany({ where: { key: "user:bob" } });
      const b = await login(t.request, "bob", DEMO_PASSWORD, { code: (await freshRecovery("bob"))! });
      const page = await b.get("/account/mfa");
      assert.match(page.text, /Turn off two-step verification/);
      const wrong = await b.post("/account/mfa/disable", { _csrf: csrfFrom(page.text), code: "000000" });
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /That code did not work/);
      assert.equal((await prisma().user.findUnique({ where: { username: "bob" } }))!.totpEnabled, true);

      const user = await prisma().user.findUnique({ where: { username: "bob" } });
      await prisma().user.update({ where: { id: user!.id }, data: { totpLastStep: null } });
      const { openTotpSecret } = await import("../../../src/auth/mfa/totp-secrets.ts");
      const secret = openTotpSecret(t.services.box, user!.id, user!.totpSecretEnc!);
      const off = await b.post("/account/mfa/disable", { _csrf: csrfFrom(page.text), code: codeAt(secret, 0) });
      assert.equal(off.status, 303);
      const after = await prisma().user.findUnique({ where: { username: "bob" } });
      assert.equal(after!.totpEnabled, false);
      assert.equal(after!.totpSecretEnc, null);
      assert.equal(await prisma().recoveryCode.count({ where: { userId: user!.id } }), 0);
      assert.ok((await auditActions(t, "mfa.disable")).some((e) => e.target === "bob"));
      const plain = await new Browser(t.request).submit("/login", "/login", { username: "bob", password: DEMO_PASSWORD });
      assert.equal(plain.headers.location, "/");
    });

    test("enrolling ends the user's other sessions", async () => {
      const other = await login(t.request, "admin", DEMO_PASSWORD, { code: (await freshRecovery("admin"))! });
      const { browser } = await (async () => {
        // admin is enrolled already (parallel test): turn off, then enrol again from a new session
        const me = await login(t.request, "admin", DEMO_PASSWORD, { code: (await freshRecovery("admin"))! });
        const page = await me.get("/account/mfa");
        assert.equal((await me.post("/account/mfa/disable", { _csrf: csrfFrom(page.text), code: (await freshRecovery("admin"))! })).status, 303);
        return enrol(t, "admin");
      })();
      assert.equal((await browser.get("/")).status, 200);
      assert.equal((await other.get("/")).status, 303, "a session from before enrolment is gone");
    });

    /** Plants a known recovery code for a user (codes are otherwise shown once). */
    async function freshRecovery(username: string): Promise<string> {
      const { hashRecoveryCode, newRecoveryCode, normalizeRecoveryCode } = await import("../../../src/auth/mfa/recovery-codes.ts");
      const user = await prisma().user.findUnique({ where: { username } });
      const code = newRecoveryCode();
      await prisma().recoveryCode.create({ data: { userId: user!.id, codeHash: hashRecoveryCode(normalizeRecoveryCode(code)!) } });
      return code;
    }
  });
}

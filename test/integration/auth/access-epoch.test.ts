// A sign-in racing an action that ends the user's access (admin password or two-step reset, disable,
// delete, sign out everywhere): the sign-in read the credentials before the action committed and
// creates its session after. Each race is held deterministically at that point — the session store's
// create is wrapped so the action runs and commits first — and the sign-in must then be refused: no
// session row, the ordinary failure page, audited as login.failure "access_ended".
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { deleteUser, resetPassword, setDisabled } from "../../../src/admin/user-standing.ts";
import { resetMfa } from "../../../src/admin/mfa-reset.ts";
import { TOTP_PERIOD, endAccess, totpAt } from "../../../src/auth/index.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { holdNextSessionCreate } from "../../helpers/races.ts";
import { Browser, DEMO_PASSWORD, csrfFrom, login } from "../../helpers/browser.ts";
import { auditActions, newUser, secretFrom, sessionRow } from "./support.ts";

type User = Awaited<ReturnType<typeof newUser>>;

/** The actions that end access, run straight through the services (the pages and API call the same). */
const ENDINGS: { name: string; run(t: TestApp, u: User): Promise<unknown> }[] = [
  { name: "admin password reset", run: (t, u) => resetPassword(t.services, u.id, "a-new-password-1", "test") },
  { name: "admin two-step reset", run: (t, u) => resetMfa(t.services, u.id, "test") },
  { name: "disable", run: (t, u) => setDisabled(t.services, u.id, u.version, true, "test") },
  { name: "delete", run: (t, u) => deleteUser(t.services, u.id, u.version, "test") },
  { name: "sign out everywhere", run: (t, u) => t.services.auth.endEverywhere(t.services.oidc.consents, { userId: u.id, username: u.username, actor: u.username, action: "auth.sessions.end_all" }) },
];

for (const backend of testBackends()) {
  describe(`session epoch: access ended mid-sign-in (${backend})`, () => {
    let t: TestApp;
    let n = 0;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());
    const prisma = () => t.services.db.prisma;
    const epochOf = async (id: string) => (await prisma().user.findUnique({ where: { id }, select: { sessionEpoch: true } }))?.sessionEpoch;
    const sessionsOf = (userId: string) => prisma().webSession.count({ where: { userId } });
    const accessEnded = async (username: string) =>
      (await auditActions(t, "login.failure")).filter((e) => e.target === username && (e.details as { reason?: string }).reason === "access_ended").length;

    /** Runs `between` after the sign-in read the credentials, before its session INSERT (once). */
    const holdNextCreate = (between: () => Promise<unknown>) => holdNextSessionCreate(t.services.auth.sessions, between);

    test("a normal sign-in works and its session carries the user's epoch", async () => {
      const u = await newUser(t, `epoch${++n}`);
      await prisma().user.update({ where: { id: u.id }, data: { sessionEpoch: 7 } });
      const b = await login(t.request, u.username);
      assert.equal((await b.get("/")).status, 200);
      assert.equal((await sessionRow(t, b))?.userEpoch, 7);
    });

    for (const ending of ENDINGS) {
      test(`password step: ${ending.name} commits between the credential read and the session insert → refused, nothing written`, async () => {
        const u = await newUser(t, `epoch${++n}`);
        const b = new Browser(t.request);
        const page = await b.get("/login");
        holdNextCreate(() => ending.run(t, u));
        const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: u.username, password: DEMO_PASSWORD });
        assert.equal(res.status, 401, res.text.slice(0, 400));
        assert.match(res.text, /Incorrect username or password\./, "the same page as a wrong password: the refusal does not confirm the password");
        assert.equal(b.session, undefined, "no session cookie");
        assert.equal(await sessionsOf(u.id), 0, "no session row");
        assert.equal(await accessEnded(u.username), 1, "audited as a failed sign-in");
        assert.equal((await auditActions(t, "login.success")).filter((e) => e.target === u.username).length, 0);
      });
    }

    test("enrolling a second factor commits mid-way through a password-only sign-in → refused; the enrolling session lives on under the new epoch", async () => {
      const u = await newUser(t, `epoch${++n}`);
      const enrolling = await login(t.request, u.username);
      assert.equal((await enrolling.submit("/account/mfa", "/account/mfa/setup", {})).status, 303);
      const setup = await enrolling.get("/account/mfa");
      const secret = secretFrom(setup.text);
      const before = await epochOf(u.id);

      const b = new Browser(t.request);
      const page = await b.get("/login");
      holdNextCreate(async () => {
        const confirmed = await enrolling.post("/account/mfa/confirm", { _csrf: csrfFrom(setup.text), code: totpAt(secret, new Date()) });
        assert.equal(confirmed.status, 200, confirmed.text.slice(0, 400));
      });
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: u.username, password: DEMO_PASSWORD });
      assert.equal(res.status, 401, "the sign-in read the account before it had a second factor: no password-only session");
      assert.equal(b.session, undefined);
      assert.equal(await accessEnded(u.username), 1);
      assert.equal(await epochOf(u.id), before! + 1);
      assert.equal((await enrolling.get("/")).status, 200, "the session that enrolled is carried over to the new epoch");
      assert.equal(await sessionsOf(u.id), 1);
    });

    test("password step refused: the browser's existing session (another user's) is left as it was", async () => {
      const other = await newUser(t, `epoch${++n}`);
      const u = await newUser(t, `epoch${++n}`);
      const b = await login(t.request, other.username);
      const before = b.session;
      const page = await b.get("/login?prompt=login");
      holdNextCreate(() => resetPassword(t.services, u.id, "a-new-password-1", "test"));
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: u.username, password: DEMO_PASSWORD, prompt: "login" });
      assert.equal(res.status, 401);
      assert.equal(b.session, before);
      assert.equal((await sessionRow(t, b))?.userId, other.id, "the replaced session would have gone only with a new one");
    });

    for (const ending of ENDINGS.filter((e) => e.name === "admin password reset" || e.name === "sign out everywhere")) {
      test(`two-step sign-in: ${ending.name} commits between the code check and the session insert → refused, pending session ended`, async () => {
        const u = await newUser(t, `epoch${++n}`);
        const enrolled = await login(t.request, u.username);
        assert.equal((await enrolled.submit("/account/mfa", "/account/mfa/setup", {})).status, 303);
        const setup = await enrolled.get("/account/mfa");
        const secret = secretFrom(setup.text);
        assert.equal((await enrolled.post("/account/mfa/confirm", { _csrf: csrfFrom(setup.text), code: totpAt(secret, new Date()) })).status, 200);

        const b = new Browser(t.request);
        const pw = await b.submit("/login", "/login", { username: u.username, password: DEMO_PASSWORD });
        assert.equal(pw.headers.location, "/login/mfa");
        const fresh = await prisma().user.findUniqueOrThrow({ where: { id: u.id } });
        const mfaPage = await b.get("/login/mfa");
        holdNextCreate(() => ending.run(t, { ...u, version: fresh.version }));
        const res = await b.post("/login/mfa", { _csrf: csrfFrom(mfaPage.text), code: totpAt(secret, new Date(Date.now() + TOTP_PERIOD * 1000)) });
        assert.equal(res.status, 401, res.text.slice(0, 400));
        assert.match(res.text, /This sign-in has ended/);
        assert.equal(b.session, undefined, "the pending session's cookie is cleared");
        assert.equal(await sessionsOf(u.id), 0, "no session row");
        assert.equal(await accessEnded(u.username), 1);
      });
    }

    // The real interleaving, not a held call: the ending transaction has bumped the epoch and deleted
    // the sessions but not committed when the sign-in's INSERT runs. The INSERT must wait for it
    // (FOR SHARE on the user row) and then find the epoch moved; reading its own snapshot instead,
    // it would insert a session the committed DELETE never saw. PostgreSQL only: PGlite has one connection.
    if (backend === "postgres") test("an INSERT racing an uncommitted ending waits for its commit, then is refused", async () => {
      const u = await newUser(t, `epoch${++n}`);
      let commit!: () => void;
      const gate = new Promise<void>((r) => (commit = r));
      let ended!: () => void;
      const endedInTx = new Promise<void>((r) => (ended = r));
      const ending = prisma().$transaction(async (tx) => {
        await endAccess({ sessions: t.services.auth.sessions, grants: t.services.oidc.consents }, u.id, tx);
        ended();
        await gate;
      });
      await endedInTx;
      let settled = false;
      const creating = t.services.auth.sessions.create({ userId: u.id, epoch: 0, pendingMfa: false, amr: ["pwd"], authTime: new Date() }).finally(() => (settled = true));
      const waiting = async () =>
        (await t.services.db.pool!.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO web_sessions%'")).rows[0].n;
      for (let i = 0; !settled && (await waiting()) < 1; i++) {
        assert.ok(i < 200, "the INSERT should settle or wait for the ending transaction");
        await new Promise((r) => setTimeout(r, 25));
      }
      commit();
      await ending;
      assert.equal(await creating, null, "refused once the ending committed");
      assert.equal(await sessionsOf(u.id), 0);
    });

    test("sign out everywhere, disable, password and two-step reset each bump the epoch once; enabling does not", async () => {
      const u = await newUser(t, `epoch${++n}`);
      assert.equal(await epochOf(u.id), 0);
      await ENDINGS.find((e) => e.name === "sign out everywhere")!.run(t, u);
      assert.equal(await epochOf(u.id), 1);
      await resetPassword(t.services, u.id, "a-new-password-1", "test");
      assert.equal(await epochOf(u.id), 2);
      await resetMfa(t.services, u.id, "test");
      assert.equal(await epochOf(u.id), 3);
      const disabled = await setDisabled(t.services, u.id, u.version, true, "test");
      assert.equal(await epochOf(u.id), 4);
      await setDisabled(t.services, u.id, disabled.user.version, false, "test");
      assert.equal(await epochOf(u.id), 4);
    });

    test("a session whose epoch is behind the user's is dead on its next request", async () => {
      const u = await newUser(t, `epoch${++n}`);
      const b = await login(t.request, u.username);
      assert.equal((await b.get("/")).status, 200);
      await prisma().user.update({ where: { id: u.id }, data: { sessionEpoch: { increment: 1 } } });
      const res = await b.get("/");
      assert.equal(res.status, 303);
      assert.match(res.headers.location ?? "", /^\/login/);
      assert.equal(await sessionsOf(u.id), 0);
    });
  });
}

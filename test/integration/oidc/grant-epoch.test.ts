// A consent racing an action that ends the user's access: the interaction loaded the web session,
// then a password reset (or sign out everywhere) commits, then the grant is saved. Held
// deterministically by wrapping Grant.prototype.save once; the grant must not land (no Grant row,
// so no code, no refresh token), the browser gets a clear page, and the refusal is audited.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { resetPassword } from "../../../src/admin/user-standing.ts";
import { endAccess } from "../../../src/auth/index.ts";
import { adapterFactory } from "../../../src/oidc/adapter.ts";
import { savingFrom } from "../../../src/oidc/grant-origin.ts";
import { login } from "../../helpers/browser.ts";
import { testBackends } from "../../helpers/db.ts";
import { authorize, codeFlow, startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";
import { auditActions, newUser, sessionRowId } from "../auth/support.ts";

type User = Awaited<ReturnType<typeof newUser>>;

for (const backend of testBackends()) {
  describe(`OIDC grants under the session epoch (${backend})`, () => {
    let app: OidcTestApp;
    let n = 0;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());
    const grants = (userId: string) => app.t.services.db.prisma.oidcArtifact.count({ where: { accountId: userId, model: "Grant" } });

    /** Runs `between` after the interaction loaded the web session, before the grant's INSERT (once). */
    const holdNextGrantSave = (between: () => Promise<unknown>) => {
      const proto = app.t.services.oidc.provider.Grant.prototype as { save(...a: unknown[]): Promise<string> };
      const own = Object.hasOwn(proto, "save");
      const save = proto.save;
      proto.save = async function (this: unknown, ...a: unknown[]) {
        if (own) proto.save = save;
        else delete (proto as Partial<typeof proto>).save;
        await between();
        return save.apply(this, a);
      };
    };

    const ENDINGS: { name: string; run(u: User): Promise<unknown> }[] = [
      { name: "admin password reset", run: (u) => resetPassword(app.t.services, u.id, "a-new-password-1", "test") },
      { name: "sign out everywhere", run: (u) => app.t.services.auth.endEverywhere(app.t.services.oidc.consents, { userId: u.id, username: u.username, actor: u.username, action: "auth.sessions.end_all" }) },
    ];

    test("an ordinary consent still creates its grant", async () => {
      const u = await newUser(app.t, `grantepoch${++n}`);
      const b = await login(app.request, u.username);
      await codeFlow(app, { browser: b, username: u.username, scope: "openid profile" });
      assert.equal(await grants(u.id), 1);
    });

    for (const ending of ENDINGS) {
      test(`${ending.name} commits between the session load and the grant INSERT → no grant, a clear page, audited`, async () => {
        const u = await newUser(app.t, `grantepoch${++n}`);
        const b = await login(app.request, u.username);
        holdNextGrantSave(() => ending.run(u));
        await assert.rejects(authorize(app, { browser: b, username: u.username, scope: "openid profile" }), /answered 401[\s\S]*This sign-in has ended/);
        assert.equal(await grants(u.id), 0, "no grant row");
        const refused = (await auditActions(app.t, "oidc.consent")).filter((e) => e.actor === u.username && e.outcome === "failure");
        assert.deepEqual(refused.map((e) => e.details), [{ reason: "access_ended" }]);
      });
    }

    // The real interleaving: the ending transaction has bumped the epoch, deleted the sessions and
    // revoked the grants but not committed when the grant's upsert runs. The upsert must wait (FOR
    // SHARE of the user row) and then be refused; reading its own snapshot instead, it would find the
    // session alive and insert a grant the committed revocation never saw. PostgreSQL only.
    if (backend === "postgres") test("a grant upsert racing an uncommitted ending waits for its commit, then is refused", async () => {
      const u = await newUser(app.t, `grantepoch${++n}`);
      const b = await login(app.request, u.username);
      const sessionId = sessionRowId(b);
      const grantModel = new (adapterFactory(app.t.services.db.sql, app.t.services.oidc.clients))("Grant");
      let commit!: () => void;
      const gate = new Promise<void>((r) => (commit = r));
      let ended!: () => void;
      const endedInTx = new Promise<void>((r) => (ended = r));
      const ending = app.t.services.db.prisma.$transaction(async (tx) => {
        await endAccess({ sessions: app.t.services.auth.sessions, grants: app.t.services.oidc.consents }, u.id, tx);
        ended();
        await gate;
      });
      await endedInTx;
      let settled = false;
      const saving = savingFrom({ sessionId }, () => grantModel.upsert("race-grant", { jti: "race-grant", kind: "Grant", accountId: u.id, clientId: "mobile-app" }, 3600))
        .then(() => "saved", (err: Error) => err.message)
        .finally(() => (settled = true));
      const waiting = async () =>
        (await app.t.services.db.pool!.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO oidc_artifacts%'")).rows[0].n;
      for (let i = 0; !settled && (await waiting()) < 1; i++) {
        assert.ok(i < 200, "the upsert should settle or wait for the ending transaction");
        await new Promise((r) => setTimeout(r, 25));
      }
      commit();
      await ending;
      assert.match(await saving, /This sign-in has ended/);
      assert.equal(await grants(u.id), 0);
    });
  });
}

// Group commit of issued STS sessions (src/sts/credentials/session-writer.ts): concurrent writes
// share statements, each row is its own request's (no mix-up), a replay key is claimed once even
// within one batch, and a row that cannot be written fails only its own request.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { RawSql } from "../../../src/db/index.ts";
import { SessionWriter, type SessionRow } from "../../../src/sts/credentials/session-writer.ts";
import { sessionTokenMatches } from "../../../src/sts/credentials/store.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { mintIdToken, mintSamlResponse, samlCall, webIdentityCall } from "../../helpers/sts.ts";

function row(over: Partial<SessionRow> = {}): SessionRow {
  const now = new Date();
  return {
    access_key_id: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secret_enc: "sealed",
    token_hash: randomBytes(32).toString("hex"),
    kind: "role",
    account_id: "123456789012",
    arn: "arn:aws:sts::123456789012:assumed-role/Engineer/alice",
    user_id: "AROAEXAMPLE:alice",
    role_arn: "arn:aws:iam::123456789012:role/Engineer",
    iam_user_name: null,
    session_name: "alice",
    source_identity: null,
    tags: { team: "platform" },
    transitive_tag_keys: ["team"],
    session_policy: null,
    mfa: false,
    chained: false,
    issued_at: now,
    expires_at: new Date(now.getTime() + 3_600_000),
    replay_id: null,
    replay_expires_at: null,
    ...over,
  };
}

/** the real statement seam, counting the statements it runs */
function counting(sql: RawSql): RawSql & { statements: number } {
  const c = {
    statements: 0,
    query<T>(s: Parameters<RawSql["query"]>[0], p: unknown[]) {
      c.statements++;
      return sql.query<T>(s, p);
    },
    execute(s: Parameters<RawSql["execute"]>[0], p: unknown[]) {
      c.statements++;
      return sql.execute(s, p);
    },
  };
  return c;
}

for (const backend of testBackends()) {
  describe(`STS session group commit (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());
    const stored = (ids: string[]) => t.services.db.prisma.stsSession.findMany({ where: { accessKeyId: { in: ids } } });

    test("rows written while a batch is in flight share the next statement, each stored as given", async () => {
      const sql = counting(t.services.db.sql);
      const writer = new SessionWriter(sql, 1);
      const rows = Array.from({ length: 10 }, (_, i) => row({ session_name: `s${i}`, tags: { n: String(i) } }));
      assert.deepEqual(await Promise.all(rows.map((r) => writer.write(r))), rows.map(() => true));
      assert.equal(sql.statements, 2, "the first row alone, the nine that queued behind it in one statement");
      const byId = new Map((await stored(rows.map((r) => r.access_key_id))).map((s) => [s.accessKeyId, s]));
      for (const r of rows) {
        const s = byId.get(r.access_key_id);
        assert.ok(s, r.access_key_id);
        assert.equal(s.sessionName, r.session_name);
        assert.deepEqual(s.tags, r.tags);
        assert.deepEqual(s.transitiveTagKeys, ["team"]);
        assert.equal(Buffer.from(s.tokenHash).toString("hex"), r.token_hash);
        assert.equal(s.expiresAt.getTime(), r.expires_at.getTime());
        assert.equal(s.sessionPolicy, null);
      }
    });

    test("one replay key in a batch several times, and again in a later batch: written once", async () => {
      const writer = new SessionWriter(t.services.db.sql, 1);
      const replay = { replay_id: `_a${randomBytes(8).toString("hex")}`, replay_expires_at: new Date(Date.now() + 300_000) };
      const rows = [row(), ...Array.from({ length: 5 }, () => row(replay))];
      const written = await Promise.all(rows.map((r) => writer.write(r)));
      assert.deepEqual(written, [true, true, false, false, false, false], "the first use of the key wins");
      assert.equal(await writer.write(row(replay)), false);
      assert.equal((await stored(rows.map((r) => r.access_key_id))).length, 2);
    });

    test("a row that cannot be written fails its own request only", async () => {
      const existing = row();
      const writer = new SessionWriter(t.services.db.sql, 1);
      assert.equal(await writer.write(existing), true);
      const rows = [row(), row(), row({ access_key_id: existing.access_key_id }), row()];
      const results = await Promise.allSettled(rows.map((r) => writer.write(r)));
      assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "rejected", "fulfilled"]);
      assert.equal((await stored(rows.map((r) => r.access_key_id))).length, 4, "three new rows and the existing one");
    });

    test("concurrent exchanges each get working credentials of their own", async () => {
      const replies = await Promise.all([
        ...Array.from({ length: 8 }, async () => webIdentityCall(t.request, await mintIdToken(t.services))),
        ...Array.from({ length: 4 }, () => samlCall(t.request, mintSamlResponse(t.services))),
      ]);
      for (const r of replies) {
        assert.equal(r.status, 200, r.text);
        const found = await t.services.sts.store.lookup(r.field("AccessKeyId")!);
        assert.ok(found);
        assert.equal(found.secretAccessKey, r.field("SecretAccessKey"));
        assert.ok(sessionTokenMatches(r.field("SessionToken")!, Buffer.from(found.sessionTokenHash!)));
        assert.equal(found.principal.arn, r.field("Arn"));
      }
    });

    test("one assertion raced eight times: one exchange, seven replays, one session", async () => {
      const saml = mintSamlResponse(t.services);
      const before = await t.services.db.prisma.stsSession.count();
      const replies = await Promise.all(Array.from({ length: 8 }, () => samlCall(t.request, saml)));
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 400, 400, 400, 400, 400, 400, 400]);
      for (const r of replies.filter((r) => r.status === 400)) assert.match(r.message!, /already been used/);
      assert.equal(await t.services.db.prisma.stsSession.count(), before + 1);
    });
  });
}

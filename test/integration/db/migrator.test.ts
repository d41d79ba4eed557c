// The boot migrator (src/db/migrator.ts) on both backends: Prisma-compatible bookkeeping, one
// transaction per migration, checksums, and the advisory lock that makes concurrent boots safe.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { migrate, pendingMigrations, readMigrations, type SqlSession } from "../../../src/db/index.ts";
import type { Migration } from "../../../src/db/migrator.ts";
import { testBackends } from "../../helpers/db.ts";
import { freshDatabase, type FreshDatabase } from "./fresh-database.ts";

const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });

async function recorded(s: SqlSession): Promise<{ migration_name: string; checksum: string; finished_at: Date | null }[]> {
  return s.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
}

async function tableExists(s: SqlSession, table: string): Promise<boolean> {
  const [row] = await s.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [`public.${table}`]);
  return !!row?.t;
}

for (const backend of testBackends()) {
  describe(`migrator (${backend})`, () => {
    describe("the project's migrations", () => {
      let fresh: FreshDatabase;
      before(async () => void (fresh = await freshDatabase(backend)));
      after(async () => fresh.drop());

      it("a fresh database has every migration pending", async () => {
        const all = await readMigrations();
        assert.ok(all.length > 0);
        assert.deepEqual(await fresh.db.withSession((s) => pendingMigrations(s)), all.map((m) => m.name));
      });

      it("migrate() applies all of them, in order, with Prisma's bookkeeping", async () => {
        const all = await readMigrations();
        const result = await fresh.db.migrate();
        assert.deepEqual(result.applied, all.map((m) => m.name));
        assert.equal(result.alreadyApplied, 0);
        const rows = await fresh.db.withSession(recorded);
        assert.deepEqual(rows.map((r) => r.migration_name), all.map((m) => m.name));
        assert.deepEqual(rows.map((r) => r.checksum), all.map((m) => m.checksum), "sha256 of migration.sql, as Prisma records it");
        assert.ok(rows.every((r) => r.finished_at !== null));
        assert.ok(await fresh.db.withSession((s) => tableExists(s, "users")));
        assert.deepEqual(await fresh.db.withSession((s) => pendingMigrations(s)), []);
      });

      it("running it again applies nothing", async () => {
        const all = await readMigrations();
        assert.deepEqual(await fresh.db.migrate(), { applied: [], alreadyApplied: all.length });
        assert.equal((await fresh.db.withSession(recorded)).length, all.length);
      });

      it("the Prisma client works on the migrated schema", async () => {
        assert.equal(await fresh.db.prisma.user.count(), 0);
      });
    });

    describe("synthetic migrations", () => {
      let fresh: FreshDatabase;
      before(async () => void (fresh = await freshDatabase(backend)));
      after(async () => fresh.drop());
      const run = (list: Migration[]) => fresh.db.withSession((s) => migrate(s, list));
      const first = migration("20990101000000_first", `CREATE TABLE mig_first (id int PRIMARY KEY);\nINSERT INTO mig_first VALUES (1);`);

      it("applies a new migration and records it", async () => {
        assert.deepEqual(await run([first]), { applied: [first.name], alreadyApplied: 0 });
      });

      it("a migration modified after it was applied → checksum error, nothing else applied", async () => {
        const edited = migration(first.name, `${first.sql}\n-- edited`);
        const later = migration("20990102000000_later", "CREATE TABLE mig_later (id int);");
        await assert.rejects(run([edited, later]), (err: Error) => {
          assert.match(err.message, /20990101000000_first.*modified.*checksum/);
          return true;
        });
        assert.equal(await fresh.db.withSession((s) => tableExists(s, "mig_later")), false);
        assert.deepEqual((await fresh.db.withSession(recorded)).map((r) => r.migration_name), [first.name]);
      });

      it("a failing migration rolls back entirely and is not recorded", async () => {
        const good = migration("20990103000000_good", "CREATE TABLE mig_good (id int);");
        const bad = migration(
          "20990104000000_bad",
          `CREATE TABLE mig_bad (id int);\nINSERT INTO mig_bad VALUES (1);\nUPDATE mig_first SET id = 2;\nSELECT * FROM no_such_table;`,
        );
        const after = migration("20990105000000_after", "CREATE TABLE mig_after (id int);");
        await assert.rejects(run([first, good, bad, after]), /migration 20990104000000_bad failed: .*no_such_table/);
        await fresh.db.withSession(async (s) => {
          assert.equal(await tableExists(s, "mig_good"), true, "the migration before it stays applied");
          assert.equal(await tableExists(s, "mig_bad"), false, "its CREATE TABLE was rolled back");
          assert.deepEqual(await s.query(`SELECT id FROM mig_first`), [{ id: 1 }], "its UPDATE was rolled back");
          assert.equal(await tableExists(s, "mig_after"), false, "nothing after it ran");
          assert.deepEqual((await recorded(s)).map((r) => r.migration_name), [first.name, good.name]);
          assert.deepEqual(await pendingMigrations(s, [first, good, bad, after]), [bad.name, after.name]);
        });
      });

      it("after the failure the session is usable and a fixed migration applies", async () => {
        const fixed = migration("20990104000000_bad", "CREATE TABLE mig_bad (id int);");
        const after = migration("20990105000000_after", "CREATE TABLE mig_after (id int);");
        const good = migration("20990103000000_good", "CREATE TABLE mig_good (id int);");
        assert.deepEqual(await run([first, good, fixed, after]), { applied: [fixed.name, after.name], alreadyApplied: 2 });
      });

      it("the advisory lock is released after a failure (a later migrate() does not hang)", async () => {
        const failing = migration("20990106000000_fails", "SELECT 1/0;");
        await assert.rejects(run([failing]), /division by zero/);
        const ok = migration("20990106000000_fails", "SELECT 1;");
        assert.deepEqual((await run([ok])).applied, [ok.name]);
      });
    });

    if (backend === "postgres") {
      describe("concurrent boots (advisory lock)", () => {
        let fresh: FreshDatabase;
        before(async () => void (fresh = await freshDatabase(backend)));
        after(async () => fresh.drop());

        it("two instances migrating at once apply each of the project's migrations exactly once", async () => {
          const other = await fresh.openAnother();
          const [a, b] = await Promise.all([fresh.db.migrate(), other.migrate()]);
          const all = (await readMigrations()).map((m) => m.name);
          assert.deepEqual([...a.applied, ...b.applied].sort(), all, "every migration applied by exactly one of them");
          const rows = await fresh.db.withSession(recorded);
          assert.deepEqual(rows.map((r) => r.migration_name), all, "one bookkeeping row each");
        });

        it("a slow migration is not run twice by instances starting together", async () => {
          // Without the lock both would see it pending; the second CREATE TABLE would then fail.
          const slow = migration("20990201000000_slow", "SELECT pg_sleep(0.4);\nCREATE TABLE mig_slow (id int);");
          const dbs = [fresh.db, await fresh.openAnother(), await fresh.openAnother()];
          const results = await Promise.all(dbs.map((d) => d.withSession((s) => migrate(s, [slow]))));
          assert.equal(results.filter((r) => r.applied.length === 1).length, 1);
          assert.equal(results.filter((r) => r.alreadyApplied === 1).length, 2);
          const rows = await fresh.db.withSession((s) => s.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = $1`, [slow.name]));
          assert.deepEqual(rows, [{ n: 1 }]);
        });
      });
    }
  });
}

// Test databases: every integration suite runs once per backend (dex "conformance" style).
// Embedded PGlite always; a PostgreSQL server too when TEST_DATABASE_URL is set (CI sets it).
// Each call gets a fresh, migrated database, so suites never see each other's rows.
// An embedded one is a copy of a migrated data directory (migratedPgliteTemplate): starting PGlite
// on an empty cluster runs initdb inside WebAssembly, ~2-3 s of CPU, against well under a second to
// copy a directory and open it; the suite opens hundreds. Opening a directory is also how the
// gateway itself runs (IDP_DATA_DIR), rather than in memory.
import { createHash, randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { migrate, openDatabase, readMigrations, type Database } from "../../src/db/index.ts";

export type Backend = "pglite" | "postgres";

export function testBackends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestDatabase {
  db: Database;
  /** the PostgreSQL URL of this database (postgres backend only) */
  url?: string;
  /** open another Database on the same storage (a second app instance) */
  openAnother(): Promise<Database>;
  drop(): Promise<void>;
}

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === "pglite") {
    const home = await mkdtemp(path.join(os.tmpdir(), "idp-test-db-"));
    const dir = path.join(home, "pglite");
    await cp(await migratedPgliteTemplate(), dir, { recursive: true });
    const db = await openDatabase({ kind: "embedded", dir });
    await db.migrate(); // applies nothing to the copy; checks its bookkeeping as a boot would
    return {
      db,
      openAnother: () => {
        throw new Error("an embedded PGlite database cannot be opened twice; use the postgres backend");
      },
      async drop() {
        await db.close();
        await rm(home, { recursive: true, force: true });
      },
    };
  }
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `idp_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const opened: Database[] = [];
  const open = async () => {
    const d = await openDatabase({ kind: "postgres", url, poolSize: 4 });
    opened.push(d);
    return d;
  };
  const db = await open();
  await db.migrate();
  return {
    db,
    url,
    openAnother: open,
    async drop() {
      for (const d of opened) await d.close().catch(() => {});
      await withAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

let template: Promise<string> | undefined;

/**
 * A PGlite data directory with every migration applied, built once per machine and kept in the
 * temporary folder under a name derived from the migrations' text and PGlite's package.json, so a
 * changed migration or PGlite version gets a new one. It is built under a private name and renamed
 * into place, so a test process never copies half of one.
 */
export function migratedPgliteTemplate(): Promise<string> {
  return (template ??= (async () => {
    const migrations = await readMigrations();
    const pglite = await readFile(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8");
    const key = createHash("sha256").update(pglite).update(migrations.map((m) => `${m.name}:${m.checksum}`).join("\n")).digest("hex").slice(0, 16);
    const dir = path.join(os.tmpdir(), `idp-test-pglite-${key}`);
    if (await readFile(path.join(dir, "PG_VERSION")).then(() => true, () => false)) return dir;
    const building = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}`;
    const lite = new PGlite(building);
    await migrate({ exec: async (sql) => void (await lite.exec(sql)), query: async <T,>(sql: string, params: unknown[] = []) => (await lite.query<T>(sql, params)).rows }, migrations);
    await lite.close();
    // another process may have finished first: its copy is as good, keep it
    await rename(building, dir).catch(() => rm(building, { recursive: true, force: true }));
    return dir;
  })());
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

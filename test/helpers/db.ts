// Test databases: every integration suite runs once per backend (dex "conformance" style).
// Embedded PGlite always; a PostgreSQL server too when TEST_DATABASE_URL is set (CI sets it).
// Each call gets a fresh, migrated database, so suites never see each other's rows.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/index.ts";

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
    const db = await openDatabase({ kind: "embedded", dir: null });
    await db.migrate();
    return {
      db,
      openAnother: () => {
        throw new Error("an in-memory PGlite database cannot be opened twice; use the postgres backend");
      },
      drop: () => db.close(),
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

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

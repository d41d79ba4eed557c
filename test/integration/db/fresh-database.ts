// An empty database per test (no migrations applied), on either backend: the migrator tests need
// to start from nothing, unlike test/helpers/db.ts which hands out migrated databases.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../../src/db/index.ts";
import type { Backend } from "../../helpers/db.ts";

export interface FreshDatabase {
  db: Database;
  /** the PostgreSQL URL of this database (postgres only), e.g. for a server process under test */
  url?: string;
  /** another Database on the same storage (postgres only: in-memory PGlite cannot be shared) */
  openAnother(): Promise<Database>;
  drop(): Promise<void>;
}

export async function freshDatabase(backend: Backend): Promise<FreshDatabase> {
  if (backend === "pglite") {
    const db = await openDatabase({ kind: "embedded", dir: null });
    return { db, openAnother: () => Promise.reject(new Error("in-memory PGlite cannot be opened twice")), drop: () => db.close() };
  }
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `idp_mig_${randomBytes(6).toString("hex")}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const opened: Database[] = [];
  const open = async () => {
    const d = await openDatabase({ kind: "postgres", url: u.toString(), poolSize: 2 });
    opened.push(d);
    return d;
  };
  return {
    db: await open(),
    url: u.toString(),
    openAnother: open,
    async drop() {
      for (const d of opened) await d.close().catch(() => {});
      await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

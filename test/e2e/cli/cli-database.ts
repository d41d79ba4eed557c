// A fresh database for `idp` processes: an embedded one in a temporary data directory, or (postgres
// backend) a new PostgreSQL database on TEST_DATABASE_URL's server, dropped afterwards.
// `migrated` hands it over with every migration applied, for suites whose subject is not `idp
// migrate` itself: a child process migrating an empty embedded directory runs PGlite's initdb
// (~10 s of CPU here), while a copy of the migrated template takes well under one.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type DatabaseTarget } from "../../../src/db/index.ts";
import { migratedPgliteTemplate, type Backend } from "../../helpers/db.ts";

export interface CliDatabase {
  /** the environment of the `idp` processes (and of the server, for the same database) */
  env: Record<string, string>;
  /** the same database, for the test to open between commands */
  target: DatabaseTarget;
  dataDir: string;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function cliDatabase(backend: Backend, env: Record<string, string>, prefix = "idp-cli-", opts: { migrated?: boolean } = {}): Promise<CliDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const out: Record<string, string> = { IDP_DATA_DIR: dataDir, IDP_MASTER_KEY: randomBytes(32).toString("base64"), ...env };
  let target: DatabaseTarget = { kind: "embedded", dir: path.join(dataDir, "pglite") };
  let dbName: string | undefined;
  if (backend === "postgres") {
    dbName = `idp_cli_${randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const u = new URL(process.env.TEST_DATABASE_URL!);
    u.pathname = `/${dbName}`;
    out.DATABASE_URL = u.toString();
    target = { kind: "postgres", url: u.toString(), poolSize: 2 };
  }
  if (opts.migrated && target.kind === "embedded") await cp(await migratedPgliteTemplate(), target.dir!, { recursive: true });
  else if (opts.migrated) {
    const db = await openDatabase(target);
    await db.migrate().finally(() => db.close());
  }
  return {
    env: out,
    target,
    dataDir,
    async drop() {
      if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

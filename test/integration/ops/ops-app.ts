// An app for the operations suites, built the way src/server/serve.ts builds it (services + createApp, no demo
// data), with a switch that takes its database away: on PGlite the database is closed; on
// PostgreSQL the app reaches the server through a TCP proxy that the test can cut and restore.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import supertest from "supertest";
import { createApp } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { openDatabase, type Database } from "../../../src/db/index.ts";
import { createLogger } from "../../../src/http/index.ts";
import { createServices, type Services } from "../../../src/services.ts";
import { createTestDatabase, type Backend } from "../../helpers/db.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

export interface OpsApp {
  request: ReturnType<typeof supertest>;
  services: Services;
  markShuttingDown(): void;
  /** make the database unreachable */
  breakDatabase(): Promise<void>;
  /** bring it back (postgres only; an in-memory PGlite cannot be reopened) */
  restoreDatabase?(): void;
  close(): Promise<void>;
}

export async function startOpsApp(backend: Backend, env: Record<string, string> = {}): Promise<OpsApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-ops-"));
  const config = loadConfig({
    NODE_ENV: "test",
    IDP_DATA_DIR: dataDir,
    IDP_MASTER_KEY: randomBytes(32).toString("base64"),
    IDP_BASE_URL: "http://127.0.0.1:4000",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...env,
  });
  const testDb = await createTestDatabase(backend);
  let db: Database = testDb.db;
  let proxy: TcpProxy | undefined;
  if (backend === "postgres") {
    const u = new URL(testDb.url!);
    proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
    u.hostname = "127.0.0.1";
    u.port = String(proxy.port);
    db = await openDatabase({ kind: "postgres", url: u.toString(), poolSize: 4 });
  }
  const services = await createServices(config, db, createLogger(config.logLevel), { defaultMetrics: false });
  const { app, markShuttingDown } = createApp(services);
  return {
    request: supertest(app),
    services,
    markShuttingDown,
    async breakDatabase() {
      if (proxy) proxy.cut();
      else await db.close();
    },
    restoreDatabase: proxy ? () => proxy.restore() : undefined,
    async close() {
      await services.close().catch(() => {});
      if (db !== testDb.db) await db.close().catch(() => {});
      await proxy?.close();
      await testDb.drop().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

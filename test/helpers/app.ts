// Starts a complete app (services + Express) on a fresh test database, the way main.ts does,
// with a quiet logger. Each suite gets its own app and its own small configuration.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import supertest from "supertest";
import { loadConfig, type Config } from "../../src/config.ts";
import { createLogger } from "../../src/http/index.ts";
import { createServices, type Services } from "../../src/services.ts";
import { createApp } from "../../src/app.ts";
import { seedDemoIfEmpty } from "../../src/seed/index.ts";
import type { Database } from "../../src/db/index.ts";
import { createTestDatabase, type Backend, type TestDatabase } from "./db.ts";

export interface TestApp {
  backend: Backend;
  config: Config;
  services: Services;
  app: ReturnType<typeof createApp>["app"];
  request: ReturnType<typeof supertest>;
  testDb: TestDatabase;
  /** a second app instance on the same database (postgres backend only) */
  startAnother(): Promise<{ services: Services; app: TestApp["app"]; request: TestApp["request"]; close(): Promise<void> }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  seed?: boolean;
}

export async function startTestApp(backend: Backend, opts: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    IDP_DATA_DIR: dataDir,
    IDP_MASTER_KEY: randomBytes(32).toString("base64"),
    IDP_BASE_URL: "http://127.0.0.1:4000",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...opts.env,
  });
  const testDb = await createTestDatabase(backend);
  const build = async (db: Database) => {
    const services = await createServices(config, db, createLogger(config.logLevel), { defaultMetrics: false });
    const { app } = createApp(services);
    return { services, app, request: supertest(app) };
  };
  const first = await build(testDb.db);
  if (opts.seed ?? true) await seedDemoIfEmpty(first.services);
  const others: { services: Services }[] = [];
  return {
    backend,
    config,
    testDb,
    ...first,
    async startAnother() {
      const built = await build(await testDb.openAnother());
      others.push(built);
      return { ...built, close: () => built.services.close() };
    },
    async close() {
      for (const o of others) await o.services.close().catch(() => {});
      await first.services.close();
      await testDb.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

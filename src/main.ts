// Composition root: config → database (retry, migrate) → services → seed → HTTP server.
// Graceful shutdown on SIGTERM/SIGINT: report not-ready, stop accepting, finish in-flight
// requests (bounded by IDP_SHUTDOWN_TIMEOUT), stop background work, close the database.
import type { Server } from "node:http";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { connectWithRetry, databaseTarget, describeTarget } from "./db/index.ts";
import { createLogger } from "./http/index.ts";
import { createServices } from "./services.ts";
import { createApp } from "./app.ts";
import { seedDemoIfEmpty } from "./seed/index.ts";

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const target = databaseTarget(config);
  let db;
  try {
    db = await connectWithRetry(target, { attempts: config.dbConnectAttempts, log: (m) => logger.warn(m) });
    const { applied } = await db.migrate();
    if (applied.length) logger.info({ applied }, "database migrated");
  } catch (err) {
    logger.fatal((err as Error).message);
    console.error((err as Error).message);
    process.exit(69); // EX_UNAVAILABLE
  }

  let services;
  try {
    services = await createServices(config, db, logger);
  } catch (err) {
    // e.g. an unreadable or malformed master key: a configuration problem, one clear line.
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    await db.close();
    process.exit(78);
  }
  if (config.seedDemo) {
    const seeded = await seedDemoIfEmpty(services);
    if (seeded) logger.info("demo data seeded (users admin, alice, bob)");
  }
  const { app, markShuttingDown } = createApp(services);
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  server.keepAliveTimeout = 65_000; // longer than typical load-balancer idle timeouts

  logger.info({ url: config.baseUrl, database: describeTarget(target), env: config.env }, "idp-gateway listening");
  console.log(`\n  idp-gateway is up at ${config.baseUrl}  (${describeTarget(target)})`);
  if (config.seedDemo) console.log(`  Sign in as alice, bob or admin with password "${config.demoPassword === "demo-password" ? "demo-password" : "<IDP_DEMO_PASSWORD>"}"\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    markShuttingDown();
    const force = setTimeout(() => {
      logger.warn("in-flight requests did not finish in time; closing connections");
      server.closeAllConnections();
    }, config.shutdownTimeoutSeconds * 1000).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(force);
    await services.close();
    await db.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

process.on("unhandledRejection", (err) => {
  // Never crash on a stray rejection; log it loudly instead (request errors are handled per request).
  console.error("unhandled rejection:", err);
});

await main();

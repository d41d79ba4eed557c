// One serving process: database → services → app → listen; graceful shutdown on SIGTERM/SIGINT
// (report not-ready, stop accepting, finish in-flight requests within IDP_SHUTDOWN_TIMEOUT, stop
// background work, close the database).
// Alone (IDP_WORKERS=1) it prepares the database first (migrations, demo seed). As a cluster
// worker it does not: the primary prepared it before forking, and the port is the primary's
// shared listening socket.
import cluster from "node:cluster";
import type { Server } from "node:http";
import type { Config } from "../config.ts";
import { describeTarget } from "../db/index.ts";
import { createLogger } from "../http/index.ts";
import { createApp } from "../app.ts";
import { connectOrExit, createServicesOrExit, seedIfConfigured } from "./boot.ts";
import { printBanner } from "./banner.ts";
import { clusterScrape } from "./cluster-metrics.ts";

export async function serve(config: Config, opts: { prepare: boolean }): Promise<void> {
  const worker = cluster.worker;
  const base = createLogger(config.logLevel);
  const logger = worker ? base.child({ worker: worker.id, pid: process.pid }) : base;
  const { db, target } = await connectOrExit(config, logger, { migrate: opts.prepare });
  const services = await createServicesOrExit(config, db, logger);
  if (opts.prepare) await seedIfConfigured(services);
  // a scrape reaches one worker; it answers for all of them
  if (worker) services.metrics.scrapeWith(clusterScrape(services.metrics.registry));

  const { app, markShuttingDown } = createApp(services);
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  server.keepAliveTimeout = 65_000; // longer than typical load-balancer idle timeouts

  if (worker) logger.info("worker listening");
  else {
    logger.info({ url: config.baseUrl, database: describeTarget(target), env: config.env }, "idp-gateway listening");
    printBanner(config, describeTarget(target));
  }

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

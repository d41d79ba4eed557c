// The cluster primary (IDP_WORKERS > 1): has the database prepared once (migrations, signing
// keys, demo seed; prepare.ts, in a short-lived child), then forks the workers, which serve HTTP
// on the shared port (serve.ts). The primary serves nothing itself and never loads the
// application's modules; it
// - replaces a worker that dies, with a backoff so a worker failing at boot does not spin;
// - merges the workers' metrics for /metrics (cluster-metrics.ts);
// - on SIGTERM/SIGINT forwards SIGTERM to every worker (each drains like a single process) and
//   exits once all have exited: 0 when all stopped cleanly, 1 otherwise or past the deadline.
// Workers know they are workers from node:cluster itself (the NODE_UNIQUE_ID it puts in their
// environment; main.ts checks cluster.isWorker), so they never migrate or seed.
import { fork as forkProcess } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import type { Config } from "../config.ts";
import { createLogger, type Logger } from "../http/index.ts";
import { printBanner } from "./banner.ts";
import { serveClusterMetrics } from "./cluster-metrics.ts";
import { RestartBackoff } from "./restart-backoff.ts";

/** beyond IDP_SHUTDOWN_TIMEOUT: a draining worker still closes its services and database pools */
const SHUTDOWN_MARGIN_MS = 5000;

/** argv flag the primary starts the preparer with (main.ts dispatches on it) */
export const PREPARE_FLAG = "--idp-cluster-prepare";

/** what the preparer tells the primary before it exits 0 */
export interface Prepared {
  type: "idp:prepared";
  /** describeTarget(), for the banner: the primary does not load the database modules */
  database: string;
}

/** Runs prepare.ts in a child (this entry script, same node flags) and waits for it. */
function prepareInChild(logger: Logger): Promise<string> {
  const child = forkProcess(process.argv[1]!, [PREPARE_FLAG], { execArgv: process.execArgv });
  let database: string | undefined;
  child.on("message", (m: Prepared) => {
    if (m?.type === "idp:prepared") database = m.database;
  });
  // a stop request during preparation stops the preparer too (mid-migration is safe: one
  // transaction per migration)
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGTERM", forward).on("SIGINT", forward);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", forward).off("SIGINT", forward);
      if (code === 0 && database !== undefined) return resolve(database);
      // the preparer has printed its one line (configuration, database unreachable)
      if (signal) logger.error({ signal }, "database preparation stopped");
      process.exit(code || 1);
    });
  });
}

export async function runPrimary(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel).child({ role: "primary", pid: process.pid });
  const database = await prepareInChild(logger);

  const started = new Map<Worker, number>();
  const backoff = new RestartBackoff();
  const restarts = new Set<NodeJS.Timeout>();
  let stopping = false;
  let unclean = false;

  const fork = () => {
    const worker = cluster.fork();
    // e.g. a message to a worker that just died: without a listener it would crash the primary
    worker.on("error", (err) => logger.warn({ err, worker: worker.id }, "worker channel error"));
    started.set(worker, Date.now());
  };

  const listening = new Set<Worker>();
  serveClusterMetrics(() => [...listening]);
  let announced = false;
  cluster.on("listening", (worker) => {
    listening.add(worker);
    if (announced || listening.size < config.workers) return;
    announced = true;
    logger.info({ url: config.baseUrl, database, env: config.env, workers: config.workers }, "idp-gateway listening");
    printBanner(config, database, config.workers);
  });

  cluster.on("exit", (worker, code, signal) => {
    const uptimeMs = Date.now() - (started.get(worker) ?? Date.now());
    started.delete(worker);
    listening.delete(worker);
    if (stopping) {
      if (code !== 0) {
        unclean = true;
        logger.warn({ worker: worker.id, workerPid: worker.process.pid, code, signal }, "worker did not stop cleanly");
      }
      if (started.size === 0) finish();
      return;
    }
    const delay = backoff.next(uptimeMs);
    logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal, uptimeMs, restartInMs: delay }, "worker exited unexpectedly; starting a new one");
    const timer = setTimeout(() => {
      restarts.delete(timer);
      fork();
    }, delay);
    restarts.add(timer);
  });

  const finish = () => {
    logger.info("stopped");
    process.exit(unclean ? 1 : 0);
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: started.size }, "shutting down: stopping the workers");
    for (const t of restarts) clearTimeout(t);
    for (const w of started.keys()) w.process.kill("SIGTERM");
    setTimeout(() => {
      logger.error({ workerPids: [...started.keys()].map((w) => w.process.pid) }, "workers did not stop in time; killing them");
      for (const w of started.keys()) w.process.kill("SIGKILL");
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000 + SHUTDOWN_MARGIN_MS).unref();
    if (started.size === 0) finish();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  for (let i = 0; i < config.workers; i++) fork();
}

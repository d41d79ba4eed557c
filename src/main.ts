// Entry point: configuration, then one of four roles. Each role imports only what it runs (the
// cluster primary stays small: it never loads the application).
// - IDP_WORKERS=1 (default): this process prepares the database and serves (server/serve.ts).
// - IDP_WORKERS>1: this process is the cluster primary (server/cluster.ts). It runs this file again
//   with PREPARE_FLAG to prepare the database (server/prepare.ts), then forks the workers, which
//   run this file again as cluster workers and serve.
import cluster from "node:cluster";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { PREPARE_FLAG } from "./server/cluster.ts";

process.on("unhandledRejection", (err) => {
  // Never crash on a stray rejection; log it loudly instead (request errors are handled per request).
  console.error("unhandled rejection:", err);
});

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
}

const config = loadConfigOrExit();
if (process.argv.includes(PREPARE_FLAG)) await (await import("./server/prepare.ts")).runPreparer(config);
else if (cluster.isWorker) await (await import("./server/serve.ts")).serve(config, { prepare: false });
else if (config.workers > 1) await (await import("./server/cluster.ts")).runPrimary(config);
else await (await import("./server/serve.ts")).serve(config, { prepare: true });

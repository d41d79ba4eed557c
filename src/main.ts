// Entry point: configuration, then one of three roles.
// - IDP_WORKERS=1 (default): this process prepares the database and serves (server/serve.ts).
// - IDP_WORKERS>1: this process is the cluster primary (server/cluster.ts): it prepares the
//   database and forks the workers, which run this same file again and land in the first branch.
import cluster from "node:cluster";
import { loadConfigOrExit } from "./server/boot.ts";
import { runPrimary } from "./server/cluster.ts";
import { serve } from "./server/serve.ts";

process.on("unhandledRejection", (err) => {
  // Never crash on a stray rejection; log it loudly instead (request errors are handled per request).
  console.error("unhandled rejection:", err);
});

const config = loadConfigOrExit();
if (cluster.isWorker) await serve(config, { prepare: false });
else if (config.workers > 1) await runPrimary(config);
else await serve(config, { prepare: true });

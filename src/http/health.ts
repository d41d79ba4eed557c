// Liveness (/healthz: the process answers), readiness (/readyz: the database answers within a
// second) and Prometheus metrics (/metrics). Under IDP_WORKERS > 1, /healthz and /readyz speak for
// the worker that answered (/healthz names it), /metrics for all workers together.
import cluster from "node:cluster";
import { Router } from "express";
import type { Database } from "../db/index.ts";
import type { Metrics } from "./metrics.ts";

export function healthRouter(deps: { db: Database; metrics: Metrics; isShuttingDown: () => boolean }): Router {
  const r = Router();
  // which worker answered: for an operator chasing one misbehaving worker (id as in the logs)
  const worker = cluster.worker ? { worker: { id: cluster.worker.id, pid: process.pid } } : {};
  r.get("/healthz", (_req, res) => {
    res.json({ status: "ok", ...worker });
  });
  r.get("/readyz", async (_req, res) => {
    if (deps.isShuttingDown()) return void res.status(503).json({ status: "shutting-down" });
    try {
      await withTimeout(deps.db.ping(), 1000);
      res.json({ status: "ready", database: "ok" });
    } catch {
      res.status(503).json({ status: "unavailable", database: "unreachable" });
    }
  });
  r.get("/metrics", async (_req, res) => {
    let text: string;
    try {
      text = await deps.metrics.scrape();
    } catch (err) {
      return void res.status(503).type("text/plain").send(`${(err as Error).message}\n`);
    }
    res.type(deps.metrics.registry.contentType).send(text);
  });
  return r;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error("timeout")), ms)))]).finally(() => clearTimeout(t));
}

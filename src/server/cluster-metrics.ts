// /metrics under IDP_WORKERS > 1. A scrape reaches one worker (the shared socket hands each
// connection to any of them), so every worker answers with the sum over all workers, as one
// process would. prom-client's AggregatorRegistry does the merge in the primary: it asks each
// worker for its registry over the cluster IPC channel. A worker that received a scrape asks the
// primary for that merge with one more request/reply pair, defined here.
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

const REQUEST = "idp:metrics-request";
const REPLY = "idp:metrics-reply";
/** prom-client gives up on a silent worker after 5 s; the asking worker waits a little longer */
const WORKER_TIMEOUT_MS = 7000;

interface Request {
  type: typeof REQUEST;
  id: number;
}
interface Reply {
  type: typeof REPLY;
  id: number;
  text?: string;
  error?: string;
}

/** Primary: answers the workers' requests for the cluster-wide metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker: Worker, msg: Request) => {
    if (msg?.type !== REQUEST) return;
    const reply = (r: Omit<Reply, "type" | "id">) => {
      if (worker.isConnected()) worker.send({ type: REPLY, id: msg.id, ...r } satisfies Reply);
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err: Error) => reply({ error: err.message }),
    );
  });
}

/** Worker: offers `registry` to the primary's aggregation; returns what /metrics should serve. */
export function clusterScrape(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // The constructor is what installs prom-client's responder to the primary's per-worker requests.
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, (r: Reply) => void>();
  process.on("message", (msg: Reply) => {
    if (msg?.type === REPLY) pending.get(msg.id)?.(msg);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => settle({ type: REPLY, id, error: "the cluster primary did not answer" }), WORKER_TIMEOUT_MS);
      function settle(r: Reply) {
        clearTimeout(timer);
        pending.delete(id);
        if (r.text !== undefined) resolve(r.text);
        else reject(new Error(`cluster metrics unavailable: ${r.error ?? "no answer"}`));
      }
      pending.set(id, settle);
      process.send!({ type: REQUEST, id } satisfies Request);
    });
}

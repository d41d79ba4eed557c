// /metrics under IDP_WORKERS > 1. A scrape reaches one worker (the shared socket hands each
// connection to any of them), so every worker answers with the sum over all workers, as one
// process would. The worker that got the scrape asks the primary; the primary collects each
// listening worker's registry (as JSON, over the cluster IPC channel) and merges them with
// prom-client's AggregatorRegistry.aggregate (counters and histograms summed; each default
// metric by its own rule).
// Only workers that are listening are asked: a worker still booting has no registry yet, and
// waiting for it would fail every scrape for as long as a restart takes.
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from "prom-client";

/** a worker asks the primary for the cluster's metrics; the primary replies with the text */
const SCRAPE = "idp:metrics-scrape";
const SCRAPE_REPLY = "idp:metrics-scrape-reply";
/** the primary asks a worker for its registry; the worker replies with it as JSON */
const COLLECT = "idp:metrics-collect";
const COLLECT_REPLY = "idp:metrics-collect-reply";
/** a worker that has not answered by then fails the scrape: a partial sum would look like a counter reset */
const COLLECT_TIMEOUT_MS = 3000;
const SCRAPE_TIMEOUT_MS = COLLECT_TIMEOUT_MS + 2000;

type Metrics = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { type: typeof SCRAPE; id: number }
  | { type: typeof SCRAPE_REPLY; id: number; text?: string; error?: string }
  | { type: typeof COLLECT; id: number }
  | { type: typeof COLLECT_REPLY; id: number; metrics?: Metrics; error?: string };

/** Primary: answers the workers' scrapes with the merge of `workers()`' registries. */
export function serveClusterMetrics(workers: () => Worker[]): void {
  let next = 0;
  const collecting = new Map<number, (m: Extract<Message, { type: typeof COLLECT_REPLY }>) => void>();

  const collectFrom = (worker: Worker) =>
    new Promise<Metrics>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => settle({ type: COLLECT_REPLY, id, error: `worker ${worker.id} did not answer in ${COLLECT_TIMEOUT_MS} ms` }), COLLECT_TIMEOUT_MS);
      function settle(m: Extract<Message, { type: typeof COLLECT_REPLY }>) {
        clearTimeout(timer);
        collecting.delete(id);
        if (m.metrics) resolve(m.metrics);
        else reject(new Error(m.error ?? "no metrics"));
      }
      collecting.set(id, settle);
      worker.send({ type: COLLECT, id } satisfies Message, undefined, (err: Error | null) => {
        if (err) settle({ type: COLLECT_REPLY, id, error: err.message });
      });
    });

  cluster.on("message", (worker: Worker, msg: Message) => {
    if (msg?.type === COLLECT_REPLY) return void collecting.get(msg.id)?.(msg);
    if (msg?.type !== SCRAPE) return;
    const reply = (r: { text?: string; error?: string }) => {
      if (worker.isConnected()) worker.send({ type: SCRAPE_REPLY, id: msg.id, ...r } satisfies Message, undefined, () => {});
    };
    Promise.all(workers().filter((w) => w.isConnected()).map(collectFrom))
      .then((all) => AggregatorRegistry.aggregate(all).metrics())
      .then(
        (text) => reply({ text }),
        (err: Error) => reply({ error: err.message }),
      );
  });
}

/** Worker: serves its registry to the primary's collections; returns what /metrics should serve. */
export function clusterScrape(registry: Registry): () => Promise<string> {
  let next = 0;
  const scraping = new Map<number, (m: Extract<Message, { type: typeof SCRAPE_REPLY }>) => void>();
  const send = (m: Message, onError: (err: Error) => void) => {
    if (!process.connected) return onError(new Error("no channel to the cluster primary"));
    // with a callback, a failed send is reported here instead of becoming an 'error' event
    process.send!(m, undefined, {}, (err: Error | null) => err && onError(err));
  };
  process.on("message", (msg: Message) => {
    if (msg?.type === SCRAPE_REPLY) return void scraping.get(msg.id)?.(msg);
    if (msg?.type !== COLLECT) return;
    registry.getMetricsAsJSON().then(
      (metrics) => send({ type: COLLECT_REPLY, id: msg.id, metrics: metrics as Metrics }, () => {}),
      (err: Error) => send({ type: COLLECT_REPLY, id: msg.id, error: err.message }, () => {}),
    );
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => settle({ type: SCRAPE_REPLY, id, error: "the cluster primary did not answer" }), SCRAPE_TIMEOUT_MS);
      function settle(m: Extract<Message, { type: typeof SCRAPE_REPLY }>) {
        clearTimeout(timer);
        scraping.delete(id);
        if (m.text !== undefined) resolve(m.text);
        else reject(new Error(`cluster metrics unavailable: ${m.error ?? "no answer"}`));
      }
      scraping.set(id, settle);
      send({ type: SCRAPE, id }, (err) => settle({ type: SCRAPE_REPLY, id, error: err.message }));
    });
}

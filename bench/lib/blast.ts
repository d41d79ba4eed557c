// Closed-loop load for single-request benches (one POST = one unit of work),
// driven by autocannon: its own HTTP/1.1 writer and parser cost the client a fraction of what
// node:http's Agent does, which matters when client and server share a 2-core machine. The
// multi-step benches (login, SAML IdP) keep lib/load.ts, which follows redirects and cookies.
// Every non-2xx answer counts as an error; the first bodies of failures are reported.
import autocannon from "autocannon";
import type { LoadResult } from "./load.ts";

export interface BlastOptions {
  url: URL;
  connections: number;
  durationMs: number;
  warmupMs: number;
  /**
   * Request bodies (form-encoded): `reusable` ones are sent in turn and prepared once (cheapest for
   * the client); `next()` is asked for a fresh one per request (one-time bodies, e.g. SAML
   * assertions under replay protection).
   */
  bodies: { reusable: string[] } | { next: () => string };
  /** stop after this many requests in the measured period (e.g. a finite set of one-time bodies) */
  amount?: number;
}

export async function blast(o: BlastOptions): Promise<LoadResult> {
  const firstErrors: string[] = [];
  const common = { method: "POST" as const, path: o.url.pathname, headers: { "content-type": "application/x-www-form-urlencoded" } };
  const b = o.bodies;
  const requests =
    "reusable" in b
      ? b.reusable.map((body) => ({ ...common, body }))
      : [
          {
            ...common,
            setupRequest: (req: autocannon.Request) => ({ ...req, body: b.next() }),
            onResponse: (status: number, body: string) => {
              if (status >= 300 && firstErrors.length < 5) firstErrors.push(`HTTP ${status}: ${body.slice(0, 200)}`);
            },
          },
        ];
  const base = { url: o.url.origin, connections: o.connections, requests, pipelining: 1 };
  const warm = o.warmupMs > 0 ? await run({ ...base, duration: o.warmupMs / 1000 }) : undefined;
  const cpu0 = process.cpuUsage();
  const r = await run({ ...base, ...(o.amount ? { amount: o.amount } : { duration: o.durationMs / 1000 }) });
  const cpu = process.cpuUsage(cpu0);
  if ("reusable" in b && r.non2xx > 0) firstErrors.push(await sample(o.url, b.reusable[0]!));
  const lat = r.latency;
  const ok = r["2xx"];
  const seconds = r.duration;
  return {
    iterations: ok,
    warmupIterations: warm ? warm["2xx"] + warm.non2xx : 0,
    errors: r.non2xx + r.errors + r.timeouts,
    firstErrors,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: seconds > 0 ? Math.round((ok / seconds) * 10) / 10 : 0,
    // autocannon's histogram has p90 and p97.5 but no p95
    clientCpuPercent: Math.round(((cpu.user + cpu.system) / 1e4 / r.duration) * 10) / 10,
    latency: { count: ok, mean: round(lat.average), p50: round(lat.p50), p95: NaN, p99: round(lat.p99), max: round(lat.max) },
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** One answer to a reusable body, for the report (autocannon keeps no bodies of prepared requests). */
async function sample(url: URL, body: string): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  return `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

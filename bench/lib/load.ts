// Closed-loop load: `connections` virtual users each run `iteration` back to back over a shared
// keep-alive agent. Bounded by time and by iteration count; a warm-up period is run but not counted.
import type http from "node:http";
import { keepAliveAgent } from "./http.ts";
import { summarize, type LatencySummary } from "./stats.ts";

export interface LoadOptions {
  connections: number;
  durationMs: number;
  warmupMs: number;
  maxIterations: number;
}

export interface LoadResult {
  /** completed in the measured period */
  iterations: number;
  /** completed during warm-up (not in the rates or latencies) */
  warmupIterations: number;
  errors: number;
  firstErrors: string[];
  seconds: number;
  perSecond: number;
  /** CPU the load generator itself used in the measured period, % of one core (where measured) */
  clientCpuPercent?: number;
  latency: LatencySummary;
}

/** `iteration(vu, agent)` performs one unit of work (e.g. a complete login) and throws on failure. */
export async function runLoad(opts: LoadOptions, iteration: (vu: number, agent: http.Agent) => Promise<void>): Promise<LoadResult> {
  const agent = keepAliveAgent(opts.connections);
  const latencies: number[] = [];
  const firstErrors: string[] = [];
  let errors = 0;
  let counted = 0;
  let warmup = 0;
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const stopAt = measureFrom + opts.durationMs;
  let measuredEnd = measureFrom;

  const vu = async (id: number) => {
    while (performance.now() < stopAt && counted < opts.maxIterations) {
      const t0 = performance.now();
      try {
        await iteration(id, agent);
        const t1 = performance.now();
        if (t0 >= measureFrom) {
          latencies.push(t1 - t0);
          counted++;
          measuredEnd = Math.max(measuredEnd, t1);
        } else warmup++;
      } catch (err) {
        errors++;
        if (firstErrors.length < 5) firstErrors.push((err as Error).message);
        if (errors > 50 && errors > latencies.length) throw new Error(`too many errors, stopping: ${firstErrors.join("; ")}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.connections }, (_, i) => vu(i)));
  } finally {
    agent.destroy();
  }
  const seconds = (measuredEnd - measureFrom) / 1000;
  return { iterations: counted, warmupIterations: warmup, errors, firstErrors, seconds: Math.round(seconds * 100) / 100, perSecond: seconds > 0 ? Math.round((counted / seconds) * 10) / 10 : 0, latency: summarize(latencies) };
}

// Memory and CPU time of the gateway from /proc (Linux): VmRSS now, VmHWM (the peak resident set
// since a process started) and utime + stime. Summed over the gateway's node processes: the
// process started and, under IDP_WORKERS > 1, its cluster workers (not tsx's esbuild helper).
import { readdir, readFile } from "node:fs/promises";

export interface Rss {
  rssMb: number;
  peakMb: number;
}

/** `pid` and its descendants that run node, from /proc/<pid>/task/<tid>/children (cheap enough to
 * read on every sample, unlike a scan of all of /proc). */
export async function nodeProcessTree(pid: number): Promise<number[]> {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const tasks = await readdir(`/proc/${tree[i]}/task`).catch(() => [] as string[]);
    for (const tid of tasks) {
      const children = await readFile(`/proc/${tree[i]}/task/${tid}/children`, "utf8").catch(() => "");
      for (const c of children.split(" ").filter(Boolean)) tree.push(Number(c));
    }
  }
  const comm = (p: number) => readFile(`/proc/${p}/comm`, "utf8").then((c) => c.trim(), () => "");
  const node = await Promise.all(tree.map(async (p) => p === pid || (await comm(p)) === "node"));
  return tree.filter((_, i) => node[i]);
}

export async function readRss(pid: number): Promise<Rss> {
  let rssKb = 0;
  let peakKb = 0;
  for (const p of await nodeProcessTree(pid)) {
    const status = await readFile(`/proc/${p}/status`, "utf8").catch(() => "");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    rssKb += kb("VmRSS");
    peakKb += kb("VmHWM"); // the sum of each process's peak: an upper bound of the peak of the sum
  }
  const mb = (k: number) => Math.round((k / 1024) * 10) / 10;
  return { rssMb: mb(rssKb), peakMb: mb(peakKb) };
}

/** Samples VmRSS every `everyMs` until stopped; returns the highest value seen. */
export function sampleRss(pid: number, everyMs = 250): { stop(): Promise<number> } {
  let max = 0;
  const tick = async () => {
    try {
      max = Math.max(max, (await readRss(pid)).rssMb);
    } catch {
      /* process gone */
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await tick();
      return max;
    },
  };
}

/** CPU time (user + system, all threads) the gateway's node processes have used so far, in milliseconds. */
export function readCpuMs(pid: number): Promise<number> {
  return cpuMsOf(pid, (p) => `/proc/${p}/stat`);
}

/**
 * CPU time of the gateway's node processes' main threads only (their JavaScript event loops; not
 * libuv's pool, V8's helper threads or compiler threads), in milliseconds: what caps a process's
 * throughput.
 */
export function readMainThreadCpuMs(pid: number): Promise<number> {
  return cpuMsOf(pid, (p) => `/proc/${p}/task/${p}/stat`);
}

/** utime + stime summed over the gateway's node processes, from each one's `statFile`. */
async function cpuMsOf(pid: number, statFile: (p: number) => string): Promise<number> {
  let ticks = 0;
  for (const p of await nodeProcessTree(pid)) {
    const stat = await readFile(statFile(p), "utf8").catch(() => "");
    // fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based)
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += (Number(fields[11]) || 0) + (Number(fields[12]) || 0);
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every mainstream Linux architecture. */
const CLOCK_TICKS = 100;

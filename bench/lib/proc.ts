// Memory of another process from /proc/<pid>/status (Linux): VmRSS now and VmHWM, the peak
// resident set since the process started.
import { readFile } from "node:fs/promises";

export interface Rss {
  rssMb: number;
  peakMb: number;
}

export async function readRss(pid: number): Promise<Rss> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  const mb = (k: number) => Math.round((k / 1024) * 10) / 10;
  return { rssMb: mb(kb("VmRSS")), peakMb: mb(kb("VmHWM")) };
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

/** CPU time (user + system, all threads) a process has used so far, in milliseconds. */
export async function readCpuMs(pid: number): Promise<number> {
  return cpuMsOf(`/proc/${pid}/stat`);
}

/**
 * CPU time of a process's main thread only (its JavaScript event loop; not libuv's pool, V8's
 * helper threads or its compiler threads), in milliseconds: what caps one process's throughput.
 */
export async function readMainThreadCpuMs(pid: number): Promise<number> {
  return cpuMsOf(`/proc/${pid}/task/${pid}/stat`);
}

async function cpuMsOf(statFile: string): Promise<number> {
  const stat = await readFile(statFile, "utf8");
  // fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based)
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every mainstream Linux architecture. */
const CLOCK_TICKS = 100;

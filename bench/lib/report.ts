// Output: a compact table on stdout (ratios against the machine's own limit, as DESIGN.md asks)
// and the full results as JSON in bench/results/ (gitignored).
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./gateway.ts";
import { LOGIN_TARGETS, type LoginBenchResult } from "../login.ts";
import type { SamlBenchResult } from "../saml.ts";
import type { OidcBenchResult } from "../oidc/index.ts";

type Result = LoginBenchResult;

export function printTable(results: readonly Result[]): void {
  if (!results.length) return;
  const head = ["bench", "database", "conns", "logins/s", "/core", "p50 ms", "p95 ms", "p99 ms", "errors", "argon2/s", "ratio", "idle MB", "peak MB", "CPU ms/login"];
  const rows = results.map((r) => [
    r.bench,
    r.database,
    String(r.connections),
    r.load.perSecond.toFixed(1),
    r.loginsPerSecondPerCore.toFixed(1),
    r.load.latency.p50.toFixed(1),
    r.load.latency.p95.toFixed(1),
    r.load.latency.p99.toFixed(1),
    String(r.load.errors),
    r.argon2.perSecond.toFixed(1),
    `${Math.round(r.ratioToArgon2 * 100)}%`,
    r.rss.idleMb.toFixed(0),
    r.rss.peakMb.toFixed(0),
    `${r.cpu.serverMsPerLogin.toFixed(1)} (${r.cpu.argon2Ms.toFixed(1)} argon2 + ${r.cpu.serverOtherMsPerLogin.toFixed(1)} other)`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\n${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
  console.log(line(head));
  for (const row of rows) console.log(line(row));
  console.log("CPU ms/login: the server process, all threads (argon2id's share is its single-core cost); the load driver adds",
    results.map((r) => `${r.cpu.driverMsPerLogin.toFixed(1)} (${r.database})`).join(", "));
  const t = LOGIN_TARGETS;
  console.log(`targets: ≥ ${t.loginsPerSecondPerCore} logins/s per core, ≥ ${t.ratioToArgon2 * 100}% of the argon2id limit, idle RSS < ${t.idleRssMb} MB`);
  for (const r of results) {
    const misses = [
      r.loginsPerSecondPerCore < t.loginsPerSecondPerCore && `${r.loginsPerSecondPerCore} logins/s per core`,
      r.ratioToArgon2 < t.ratioToArgon2 && `${Math.round(r.ratioToArgon2 * 100)}% of argon2`,
      r.rss.idleMb >= t.idleRssMb && `idle RSS ${r.rss.idleMb} MB`,
      r.load.errors > 0 && `${r.load.errors} errors (${r.load.firstErrors.join("; ")})`,
    ].filter(Boolean);
    console.log(`  ${r.bench}/${r.database}: ${misses.length ? `MISSED: ${misses.join(", ")}` : "all targets met"}`);
  }
}

export async function writeResults(results: readonly (Result | SamlBenchResult | OidcBenchResult)[]): Promise<string> {
  const dir = path.join(ROOT, "bench", "results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const machine = { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version, totalMemMb: Math.round(os.totalmem() / 2 ** 20) };
  await writeFile(file, `${JSON.stringify({ time: new Date().toISOString(), machine, results }, null, 2)}\n`);
  return path.relative(process.cwd(), file);
}

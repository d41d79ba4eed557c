// Starts the gateway as its own process, the way `npm start` does (`node --import tsx
// src/main.ts`), on a free loopback port with a temporary IDP_DATA_DIR and, for the PostgreSQL
// runs, a scratch database on the local server. Waits for /readyz (and, with workers, until every
// worker has answered); stop() ends everything.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { request } from "./http.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type BenchDatabase = "embedded" | "postgres";

/** Server to create scratch databases on (the CI/test server by default). */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface Gateway {
  baseUrl: URL;
  /** the process started (with workers > 1: the cluster primary; lib/proc.ts reads its whole tree) */
  pid: number;
  /** HTTP worker processes (IDP_WORKERS); 1 = the gateway is one process */
  workers: number;
  database: BenchDatabase;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function postgresReachable(url = BENCH_ADMIN_URL): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end().catch(() => {});
  }
}

/** The runtime flags of `npm start` and the Dockerfile, so the benches measure what users run. */
export const GATEWAY_NODE_ARGS: readonly string[] = ["--max-semi-space-size=64"];

export interface GatewayOptions {
  /** extra environment for the server (overrides the bench defaults) */
  env?: Record<string, string>;
  /** node flags instead of GATEWAY_NODE_ARGS, e.g. [...GATEWAY_NODE_ARGS, "--cpu-prof", "--cpu-prof-dir=..."] */
  nodeArgs?: string[];
  /** listen here instead of a fresh free port (a bench that prepared data for this base URL) */
  port?: number;
  /** IDP_WORKERS: worker processes, or "auto" (one per core); more than 1 needs postgres */
  workers?: number | "auto";
}

export function resolveWorkers(workers: number | "auto" = 1): number {
  return workers === "auto" ? os.availableParallelism() : workers;
}

export async function startGateway(database: BenchDatabase, opts: GatewayOptions = {}): Promise<Gateway> {
  const workers = resolveWorkers(opts.workers);
  const port = opts.port ?? (await freePort());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-bench-"));
  let dbName: string | undefined;
  let databaseUrl: string | undefined;
  if (database === "postgres") {
    dbName = `idp_bench_${randomBytes(5).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const u = new URL(BENCH_ADMIN_URL);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const baseUrl = new URL(`http://127.0.0.1:${port}`);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? GATEWAY_NODE_ARGS), "--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      IDP_BASE_URL: baseUrl.origin,
      IDP_DATA_DIR: dataDir,
      IDP_MASTER_KEY: randomBytes(32).toString("base64"),
      IDP_SEED_DEMO: "true",
      LOG_LEVEL: "warn",
      MALLOC_ARENA_MAX: "2",
      IDP_WORKERS: String(workers),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...opts.env,
    },
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));

  const cleanup = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
  };
  running.add(cleanup);
  const stop = async () => {
    running.delete(cleanup);
    await cleanup();
  };
  try {
    await waitReady(baseUrl, child, () => stderr);
    if (workers > 1) await waitWorkers(baseUrl, workers, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, pid: child.pid!, workers, database, stop };
}

/** Gateways not yet stopped: an interrupted bench still removes its processes and scratch databases. */
const running = new Set<() => Promise<void>>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the gateway(s) and dropping scratch databases`);
    void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(130));
  });
}

async function waitReady(baseUrl: URL, child: ChildProcess, stderr: () => string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before it was ready:\n${stderr()}`);
    try {
      const res = await fetch(new URL("/readyz", baseUrl), { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gateway not ready after ${timeoutMs / 1000} s:\n${stderr()}`);
}

/** Until `n` distinct workers have answered /healthz (one connection per request: the cluster
 * hands out connections round-robin), so the load does not start while some are still booting. */
async function waitWorkers(baseUrl: URL, n: number, child: ChildProcess, stderr: () => string, timeoutMs = 120_000): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  const seen = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before its workers were up:\n${stderr()}`);
    const res = await request(agent, new URL("/healthz", baseUrl)).catch(() => undefined);
    const id = res?.status === 200 ? (JSON.parse(res.body) as { worker?: { id: number } }).worker?.id : undefined;
    if (id !== undefined) seen.add(id);
    if (seen.size >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`only ${seen.size} of ${n} gateway workers answered after ${timeoutMs / 1000} s:\n${stderr()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

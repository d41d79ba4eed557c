// `npm run bench [-- <bench>] [--db embedded|postgres|both] [--duration s] [--connections n] [--workers n|auto]`
// Runs the benches against a gateway started for the purpose (loopback only), on the embedded
// database and on the local PostgreSQL (a scratch database), prints a table and writes JSON to
// bench/results/. --workers goes to the sts bench (its gateway's IDP_WORKERS on PostgreSQL); the
// login, saml and oidc benches run a one-process gateway.
import os from "node:os";
// argon2 runs on libuv's pool: make it as wide as the machine before anything uses it.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism()));

const { parseArgs } = await import("node:util");
const { postgresReachable, BENCH_ADMIN_URL } = await import("./lib/gateway.ts");
const { printTable, writeResults } = await import("./lib/report.ts");
const { runLoginBench } = await import("./login.ts");
const { runSamlBench, printSamlTable } = await import("./saml.ts");
const { runOidcBench, printOidcTable } = await import("./oidc/index.ts");

type Db = "embedded" | "postgres";
const BENCHES = { login: runLoginBench, saml: runSamlBench, oidc: runOidcBench } as const;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: "string", default: "both" },
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: String(8 * os.availableParallelism()) },
    "max-iterations": { type: "string", default: "20000" },
    workers: { type: "string" },
  },
});

// The STS bench is its own script (it drives two actions per database and prints its own table);
// `npm run bench [sts]` runs it after the others with the same --db/--duration/--connections.
const STANDALONE = ["sts"];
const requested = positionals.length ? positionals : [...Object.keys(BENCHES), ...STANDALONE];
const selected = requested.filter((n) => !STANDALONE.includes(n));
for (const name of selected) {
  if (!(name in BENCHES)) {
    console.error(`unknown bench ${JSON.stringify(name)}; available: ${[...Object.keys(BENCHES), ...STANDALONE].join(", ")}`);
    process.exit(64);
  }
}
const number = (flag: string, v: string | undefined, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${flag} must be a number between ${min} and ${max}`);
    process.exit(64);
  }
  return n;
};
const load = {
  durationMs: number("duration", values.duration, 1, 600) * 1000,
  warmupMs: number("warmup", values.warmup, 0, 60) * 1000,
  connections: number("connections", values.connections, 1, 1024),
  maxIterations: number("max-iterations", values["max-iterations"], 1, 1e7),
};
if (!["embedded", "postgres", "both"].includes(values.db!)) {
  console.error("--db must be embedded, postgres or both");
  process.exit(64);
}
const databases: Db[] = values.db === "both" ? ["embedded", "postgres"] : [values.db as Db];
if (selected.length && databases.includes("postgres") && !(await postgresReachable())) {
  const redacted = BENCH_ADMIN_URL.replace(/\/\/[^@/]*@/, "//");
  if (values.db === "postgres") {
    console.error(`PostgreSQL is not reachable at ${redacted} (set BENCH_DATABASE_URL)`);
    process.exit(69);
  }
  console.error(`skipping PostgreSQL runs: not reachable at ${redacted} (set BENCH_DATABASE_URL)`);
  databases.splice(databases.indexOf("postgres"), 1);
}

const results = [];
for (const name of selected) {
  for (const db of databases) {
    console.error(`bench ${name} on ${db}: ${load.connections} connections, ${load.warmupMs / 1000} s warm-up + ${load.durationMs / 1000} s ...`);
    results.push(await BENCHES[name as keyof typeof BENCHES](db, load));
  }
}
const logins = results.filter((r) => r.bench === "login");
const oidcResults = results.filter((r) => r.bench === "oidc");
if (logins.length) printTable(logins as Parameters<typeof printTable>[0]);
printSamlTable(results.filter((r) => r.bench === "saml") as Parameters<typeof printSamlTable>[0]);
if (oidcResults.length) printOidcTable(oidcResults as Parameters<typeof printOidcTable>[0]);
if (results.length) console.log(`\nresults: ${await writeResults(results)}`);
if (requested.includes("sts")) {
  const { spawnSync } = await import("node:child_process");
  const flags = ["--db", values.db!, "--duration", values.duration!, "--connections", values.connections!, ...(values.workers ? ["--workers", values.workers] : [])];
  const run = spawnSync(process.execPath, ["--import", "tsx", new URL("./sts.ts", import.meta.url).pathname, ...flags], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

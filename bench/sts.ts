// STS bench: AssumeRoleWithWebIdentity and AssumeRoleWithSAML per second over loopback with
// concurrent connections, on the embedded database and on PostgreSQL, with p50/p99 and peak RSS,
// next to the machine's RS256 verifications/s measured in the same run (every exchange costs one
// RS256 verification, so exchanges/s cannot exceed it).
//   npx tsx bench/sts.ts [--db embedded|postgres|both] [--duration s] [--connections n]
//                        [--workers n|auto] [--only web|saml] [--cpu-prof dir] [--node-args="--max-semi-space-size=16"]
// --workers is the gateway's IDP_WORKERS on PostgreSQL (default auto: one per core); the embedded
// database always runs one process.
// The bench prepares the gateway's database itself (migrations, keys, demo seed) with the master
// key it then gives the server, so it holds the built-in IdP's active key and can mint ID tokens
// and SAML responses exactly as the IdP would (the IdP's own response builder, assertion signed,
// as for the demo AWS app). SAML replay protection stays on: every SAML request carries a fresh
// assertion, minted before the load starts.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
import { createSign, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { databaseTarget } from "../src/db/connect.ts";
import { openDatabase } from "../src/db/index.ts";
import { createLogger } from "../src/http/index.ts";
import { seedDemoIfEmpty } from "../src/seed/index.ts";
import { createServices, type Services } from "../src/services.ts";
import { encodeAwsAttributes } from "../src/saml/aws-profile.ts";
import { buildResponse, newId } from "../src/saml/response.ts";
import { AWS_RECIPIENT, aliceIdentity, mintIdToken, ENGINEER, SAML_PROVIDER } from "../test/helpers/sts.ts";
import { BENCH_ADMIN_URL, GATEWAY_NODE_ARGS, ROOT, freePort, postgresReachable, resolveWorkers, startGateway, type BenchDatabase } from "./lib/gateway.ts";
import { blast } from "./lib/blast.ts";
import type { LoadResult } from "./lib/load.ts";
import { readCpuMs, readMainThreadCpuMs, readRss, sampleRss } from "./lib/proc.ts";

const TARGETS = { webIdentityPerSecond: 2000, samlPerSecond: 1000, p99Ms: 50 };

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "32" },
    // which exchanges to run (both by default)
    only: { type: "string", default: "both" },
    // write a V8 CPU profile of the gateway into this folder (for chrome://inspect or speedscope);
    // with workers, one profile per process (the primary's is nearly idle)
    "cpu-prof": { type: "string" },
    // the gateway's node flags instead of npm start's (e.g. "--max-semi-space-size=16"), to compare
    "node-args": { type: "string" },
    // gateway worker processes on PostgreSQL (IDP_WORKERS); embedded is always 1
    workers: { type: "string", default: "auto" },
  },
});
const durationMs = Number(values.duration) * 1000;
const warmupMs = Number(values.warmup) * 1000;
const connections = Number(values.connections);
const workersFlag = values.workers === "auto" ? "auto" : Number(values.workers);
if (workersFlag !== "auto" && !(Number.isInteger(workersFlag) && workersFlag >= 1 && workersFlag <= 256)) {
  console.error("--workers must be a whole number between 1 and 256, or auto");
  process.exit(64);
}
/** PGlite serves one process: the embedded runs ignore --workers */
const workersFor = (database: BenchDatabase) => (database === "embedded" ? 1 : resolveWorkers(workersFlag));

/** RS256 verifications/s: measured on one core (node:crypto verify is synchronous), scaled to all cores. */
function measureRs256(ms = 2000): { perSecondPerCore: number; perSecond: number } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const data = Buffer.from("x".repeat(600));
  const sig = createSign("sha256").update(data).sign(privateKey);
  let n = 0;
  const stop = performance.now() + ms;
  const start = performance.now();
  while (performance.now() < stop) {
    if (!createVerify("sha256").update(data).verify(publicKey, sig)) throw new Error("verify failed");
    n++;
  }
  const perSecondPerCore = n / ((performance.now() - start) / 1000);
  return { perSecondPerCore: Math.round(perSecondPerCore), perSecond: Math.round(perSecondPerCore * os.availableParallelism()) };
}

/** A base64 SAML response for alice to AWS, as the IdP's /saml/idp-init would issue it. */
async function mintIdpResponse(services: Services): Promise<string> {
  const baseUrl = services.config.baseUrl;
  const identity = aliceIdentity(baseUrl);
  const built = await buildResponse({
    issuer: baseUrl,
    acsUrl: AWS_RECIPIENT,
    audience: "urn:amazon:webservices",
    nameId: identity.subject,
    nameIdFormat: identity.subjectFormat,
    attributes: encodeAwsAttributes(identity),
    authnInstant: identity.authTime,
    mfa: false,
    sessionIndex: newId(),
    now: new Date(),
    signMode: "assertion",
    signer: services.keys.activeKey(),
  });
  return Buffer.from(built.xml, "utf8").toString("base64");
}

interface Prepared {
  port: number;
  env: Record<string, string>;
  services: Services;
  close(): Promise<void>;
}

async function prepare(database: BenchDatabase): Promise<Prepared> {
  const port = await freePort();
  const masterKey = randomBytes(32).toString("base64");
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-bench-sts-"));
  const env: Record<string, string> = { IDP_MASTER_KEY: masterKey, IDP_DATA_DIR: dataDir, IDP_BASE_URL: `http://127.0.0.1:${port}`, NODE_ENV: "development", LOG_LEVEL: "silent" };
  let dbName: string | undefined;
  if (database === "postgres") {
    dbName = `idp_bench_sts_${randomBytes(5).toString("hex")}`;
    const c = new pg.Client({ connectionString: BENCH_ADMIN_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(BENCH_ADMIN_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  const config = loadConfig(env);
  const db = await openDatabase(databaseTarget(config));
  await db.migrate();
  const services = await createServices(config, db, createLogger("silent"), { defaultMetrics: false });
  await seedDemoIfEmpty(services);
  await services.close();
  await db.close();
  // a key-only view of the same data: KeyService reads the sealed keys with the same master key
  const db2 = database === "postgres" ? await openDatabase(databaseTarget(config)) : undefined;
  let view: Services;
  if (db2) view = await createServices(config, db2, createLogger("silent"), { defaultMetrics: false });
  else {
    // the embedded database is single-process: load the keys, then let the server have it
    const db3 = await openDatabase(databaseTarget(config));
    view = await createServices(config, db3, createLogger("silent"), { defaultMetrics: false });
    const active = view.keys.activeKey();
    await view.close();
    await db3.close();
    view = { ...view, keys: { activeKey: () => active } as Services["keys"] } as Services;
  }
  return {
    port,
    env,
    services: view,
    async close() {
      if (db2) {
        await view.close();
        await db2.close();
      }
      if (dbName) {
        const c = new pg.Client({ connectionString: BENCH_ADMIN_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await c.end();
      }
    },
  };
}

interface StsBenchResult {
  bench: "sts-web-identity" | "sts-saml";
  database: BenchDatabase;
  /** gateway worker processes (IDP_WORKERS) */
  workers: number;
  connections: number;
  load: LoadResult;
  rs256: { perSecond: number; perSecondPerCore: number };
  ratioToRs256: number;
  rss: { idleMb: number; peakMb: number };
  /** gateway CPU per answered request (warm-up included), ms: the main threads, and all threads, of all its processes */
  cpuMsPerRequest: { main: number; process: number };
}

function form(params: Record<string, string>): string {
  return new URLSearchParams({ Version: "2011-06-15", ...params }).toString();
}

async function runOne(database: BenchDatabase): Promise<StsBenchResult[]> {
  const prep = await prepare(database);
  const cpuProf = values["cpu-prof"];
  const baseArgs = values["node-args"] === undefined ? GATEWAY_NODE_ARGS : values["node-args"].split(/\s+/).filter(Boolean);
  const nodeArgs = [...baseArgs, ...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(cpuProf)}`] : [])];
  const gateway = await startGateway(database, { port: prep.port, env: prep.env, nodeArgs, workers: workersFor(database) });
  const { workers } = gateway;
  const out: StsBenchResult[] = [];
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await readRss(gateway.pid);
    const rs256 = measureRs256();
    const url = new URL("/sts", gateway.baseUrl);

    if (values.only !== "saml") {
      // web identity: tokens are not one-time (AWS has no jti check), a few distinct ones suffice
      const tokens = await Promise.all(Array.from({ length: 16 }, () => mintIdToken(prep.services, { claims: { exp: Math.floor(Date.now() / 1000) + 3600 } })));
      const webBodies = tokens.map((t, i) => form({ Action: "AssumeRoleWithWebIdentity", RoleArn: ENGINEER, RoleSessionName: `bench-${i}`, WebIdentityToken: t }));
      const sampler = sampleRss(gateway.pid);
      const cpu = await cpuMeter(gateway.pid);
      const web = await blast({ url, connections, durationMs, warmupMs, bodies: { reusable: webBodies } });
      const cpuMsPerRequest = await cpu.perRequest(web);
      out.push({ bench: "sts-web-identity", database, workers, connections, load: web, rs256, ratioToRs256: round(web.perSecond / rs256.perSecond), rss: { idleMb: idle.rssMb, peakMb: await sampler.stop() }, cpuMsPerRequest });
    }
    if (values.only !== "web") {
      // SAML: one fresh assertion per request (replay protection is on)
      const expected = Math.ceil(((durationMs + warmupMs) / 1000) * 1600);
      const t0 = performance.now();
      const samlBodies: string[] = [];
      for (let k = 0; k < expected; k++) samlBodies.push(form({ Action: "AssumeRoleWithSAML", RoleArn: ENGINEER, PrincipalArn: SAML_PROVIDER, SAMLAssertion: await mintIdpResponse(prep.services) }));
      console.error(`  minted ${expected} SAML responses in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const sampler = sampleRss(gateway.pid);
      const cpu = await cpuMeter(gateway.pid);
      let j = 0;
      const saml = await blast({ url, connections, durationMs, warmupMs, bodies: { next: () => samlBodies[j++] ?? "out-of-pre-minted-assertions" } });
      const cpuMsPerRequest = await cpu.perRequest(saml);
      out.push({ bench: "sts-saml", database, workers, connections, load: saml, rs256, ratioToRs256: round(saml.perSecond / rs256.perSecond), rss: { idleMb: idle.rssMb, peakMb: await sampler.stop() }, cpuMsPerRequest });
    }
  } finally {
    await gateway.stop();
    await prep.close();
  }
  return out;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The gateway's CPU time over one load run, per request: a figure that, unlike req/s, does not
 * move much when other work shares the machine (clock ticks are 10 ms; a run has seconds of CPU).
 */
async function cpuMeter(pid: number) {
  const [main0, all0] = [await readMainThreadCpuMs(pid), await readCpuMs(pid)];
  return {
    async perRequest(load: LoadResult) {
      const n = load.iterations + load.warmupIterations + load.errors;
      return { main: round(((await readMainThreadCpuMs(pid)) - main0) / n), process: round(((await readCpuMs(pid)) - all0) / n) };
    },
  };
}

const dbs: BenchDatabase[] = values.db === "both" ? ["embedded", "postgres"] : [values.db as BenchDatabase];
if (dbs.includes("postgres") && !(await postgresReachable())) {
  console.error("PostgreSQL not reachable: skipping the postgres runs");
  dbs.splice(dbs.indexOf("postgres"), 1);
}
const results: StsBenchResult[] = [];
for (const db of dbs) {
  console.error(`bench sts on ${db} (${workersFor(db)} gateway worker process${workersFor(db) > 1 ? "es" : ""}): ${connections} connections, ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s per action ...`);
  results.push(...(await runOne(db)));
}
console.log(`\n${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
console.log("bench              database  workers  conns    req/s   p50 ms   p99 ms  errors  RS256 verify/s  ratio  idle MB  peak MB  client CPU  server CPU ms/req main / all threads");
for (const r of results) {
  console.log(
    [r.bench.padEnd(18), r.database.padEnd(8), String(r.workers).padStart(8), String(r.connections).padStart(5), r.load.perSecond.toFixed(0).padStart(8), r.load.latency.p50.toFixed(1).padStart(8), r.load.latency.p99.toFixed(1).padStart(8), String(r.load.errors).padStart(7), String(r.rs256.perSecond).padStart(15), `${(r.ratioToRs256 * 100).toFixed(1)}%`.padStart(6), r.rss.idleMb.toFixed(0).padStart(8), r.rss.peakMb.toFixed(0).padStart(8), `${r.load.clientCpuPercent ?? "?"}%`.padStart(11), `${r.cpuMsPerRequest.main.toFixed(3).padStart(10)} / ${r.cpuMsPerRequest.process.toFixed(3)}`].join(" "),
  );
  if (r.load.errors) console.log(`  errors: ${r.load.firstErrors.join("; ")}`);
}
console.log("idle/peak MB and server CPU: all gateway processes together (with workers: the primary and each worker)");
console.log(`targets on PostgreSQL: ≥ ${TARGETS.webIdentityPerSecond}/s web identity, ≥ ${TARGETS.samlPerSecond}/s SAML, p99 < ${TARGETS.p99Ms} ms`);
const dir = path.join(ROOT, "bench", "results");
await mkdir(dir, { recursive: true });
const file = path.join(dir, `sts-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
await writeFile(file, `${JSON.stringify({ time: new Date().toISOString(), cores: os.availableParallelism(), node: process.version, results }, null, 2)}\n`);
console.log(`results: ${path.relative(process.cwd(), file)}`);

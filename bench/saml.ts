// SAML bench: IdP-initiated SSO for a signed-in session, the hot path of "open the AWS console".
// Each virtual user signs in once (not measured), then loops GET /saml/idp-init?sp=<AWS SP> and
// checks the auto-POST page carries a SAMLResponse. One iteration = claims + assertion build + one
// RSA-SHA256 XML signature + one audit insert + the POST form. Reported next to RSA-2048 signatures/s
// measured by node:crypto in the same run: on one core (the server signs on its main thread, so
// that is its ceiling) and on all cores.
import { generateKeyPairSync, sign } from "node:crypto";
import type http from "node:http";
import os from "node:os";
import { Worker } from "node:worker_threads";
import { startGateway, type BenchDatabase } from "./lib/gateway.ts";
import { CookieJar, hiddenField, keepAliveAgent, request } from "./lib/http.ts";
import { runLoad, type LoadOptions, type LoadResult } from "./lib/load.ts";
import { readCpuMs } from "./lib/proc.ts";

const AWS_SP = "urn:amazon:webservices";
export const SAML_TARGETS = { ratioToSignLimit: 0.5 };

export interface RsaLimit {
  /** signatures/s on one thread */
  perSecondOneCore: number;
  /** signatures/s with one worker per core */
  perSecondAllCores: number;
  cores: number;
}

export interface SamlBenchResult {
  bench: "saml";
  database: BenchDatabase;
  connections: number;
  load: LoadResult;
  rsa: RsaLimit;
  /** assertions/s ÷ one-core RSA-2048 signatures/s (the server signs on one thread) */
  ratioToSignLimit: number;
  cpu: { serverMsPerAssertion: number; signMs: number };
}

/** RSA-2048 PKCS#1 v1.5 SHA-256 signatures over a SignedInfo-sized message for `ms`. */
function signLoop(ms: number): number {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const data = Buffer.alloc(600, 0x61);
  let n = 0;
  const stop = performance.now() + ms;
  while (performance.now() < stop) {
    sign("sha256", data, privateKey);
    n++;
  }
  return n / (ms / 1000);
}

export async function measureRsa(ms = 3000): Promise<RsaLimit> {
  const cores = os.availableParallelism();
  const one = signLoop(ms);
  const src = `const { generateKeyPairSync, sign } = require("node:crypto"); const { parentPort } = require("node:worker_threads");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 }); const data = Buffer.alloc(600, 0x61);
    let n = 0; const stop = performance.now() + ${ms}; while (performance.now() < stop) { sign("sha256", data, privateKey); n++; } parentPort.postMessage(n);`;
  const counts = await Promise.all(
    Array.from({ length: cores }, () => new Promise<number>((resolve, reject) => {
      const w = new Worker(src, { eval: true });
      w.once("message", (n: number) => void w.terminate().then(() => resolve(n)));
      w.once("error", reject);
    })),
  );
  return { perSecondOneCore: Math.round(one), perSecondAllCores: Math.round(counts.reduce((a, b) => a + b, 0) / (ms / 1000)), cores };
}

async function signIn(base: URL, agent: http.Agent, username: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const page = await request(agent, new URL("/login", base), { headers: { accept: "text/html" } });
  jar.store(page.headers);
  const body = new URLSearchParams({ _csrf: hiddenField(page.body, "_csrf") ?? "", username, password: "demo-password" }).toString();
  const post = await request(agent, new URL("/login", base), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)), cookie: jar.header(), origin: base.origin, "sec-fetch-site": "same-origin", accept: "text/html" },
    body,
  });
  if (post.status !== 303) throw new Error(`login answered ${post.status}`);
  jar.store(post.headers);
  return jar;
}

export async function runSamlBench(database: BenchDatabase, load: LoadOptions): Promise<SamlBenchResult> {
  const gateway = await startGateway(database);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const rsa = await measureRsa();
    // one signed-in session per virtual user, one after another before the clock starts (a burst
    // of sign-ins to one account beyond the lockout threshold would be refused with 429)
    const jars: CookieJar[] = [];
    const setupAgent = keepAliveAgent(1);
    for (let vu = 0; vu < load.connections; vu++) jars.push(await signIn(gateway.baseUrl, setupAgent, vu % 2 ? "alice" : "bob"));
    setupAgent.destroy();
    const url = new URL(`/saml/idp-init?sp=${encodeURIComponent(AWS_SP)}`, gateway.baseUrl);
    const cpu0 = await readCpuMs(gateway.pid);
    const result = await runLoad(load, async (vu, agent) => {
      const res = await request(agent, url, { headers: { cookie: jars[vu]!.header(), accept: "text/html" } });
      if (res.status !== 200 || !hiddenField(res.body, "SAMLResponse")) throw new Error(`idp-init answered ${res.status}`);
    });
    const serverCpu = (await readCpuMs(gateway.pid)) - cpu0;
    const n = result.iterations + result.warmupIterations;
    return {
      bench: "saml",
      database,
      connections: load.connections,
      load: result,
      rsa,
      ratioToSignLimit: Math.round((result.perSecond / rsa.perSecondOneCore) * 100) / 100,
      cpu: { serverMsPerAssertion: Math.round((serverCpu / Math.max(1, n)) * 100) / 100, signMs: Math.round((1000 / rsa.perSecondOneCore) * 100) / 100 },
    };
  } finally {
    await gateway.stop();
  }
}

export function printSamlTable(results: readonly SamlBenchResult[]): void {
  if (!results.length) return;
  const head = ["bench", "database", "conns", "assertions/s", "p50 ms", "p99 ms", "errors", "RSA signs/s (1 core)", "(all cores)", "ratio", "CPU ms/assertion"];
  const rows = results.map((r) => [r.bench, r.database, String(r.connections), r.load.perSecond.toFixed(1), r.load.latency.p50.toFixed(1), r.load.latency.p99.toFixed(1), String(r.load.errors), String(r.rsa.perSecondOneCore), String(r.rsa.perSecondAllCores), `${Math.round(r.ratioToSignLimit * 100)}%`, `${r.cpu.serverMsPerAssertion} (sign ${r.cpu.signMs})`]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(head));
  for (const row of rows) console.log(line(row));
  for (const r of results) {
    const ok = r.ratioToSignLimit >= SAML_TARGETS.ratioToSignLimit && r.load.errors === 0;
    console.log(`  saml/${r.database}: ${ok ? "target met" : "MISSED"} (≥ ${SAML_TARGETS.ratioToSignLimit * 100}% of one core's RSA-2048 signatures/s)${r.load.errors ? `; errors: ${r.load.firstErrors.join("; ")}` : ""}`);
  }
}

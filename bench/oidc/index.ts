// OIDC bench: token-endpoint throughput over loopback with concurrency, next to the machine's
// RS256 signing rate (node:crypto) measured in the same run.
//   cc        client_credentials for `demo-service`: an opaque token (one INSERT per grant)
//   cc-jwt    client_credentials for `admin-automation` with resource=<base>/api/admin: an RS256
//             JWT access token (no write; one signature per grant)
//   refresh   refresh_token grants for `mobile-app` (scope openid aws): rotation (consume the old
//             token, store the new one and an access token) plus an ID token signature
// Each virtual user of the refresh phase first gets its own grant through the real login pages.
import type http from "node:http";
import { startGateway, type BenchDatabase } from "../lib/gateway.ts";
import { runLoad, type LoadOptions, type LoadResult } from "../lib/load.ts";
import { keepAliveAgent } from "../lib/http.ts";
import { readCpuMs, readRss, sampleRss } from "../lib/proc.ts";
import { measureRs256 } from "./rs256-limit.ts";
import { codeFlowRefreshToken, tokenRequest } from "./flows.ts";

export type OidcPhase = "cc" | "cc-jwt" | "refresh";

export interface OidcBenchResult {
  bench: "oidc";
  database: BenchDatabase;
  connections: number;
  rs256: { perSecondPerCore: number; perSecond: number; cores: number };
  /** serverCpuMsPerGrant: the gateway process's CPU (all threads) per grant, warm-up included */
  phases: { phase: OidcPhase; load: LoadResult; ratioToRs256: number; serverCpuMsPerGrant: number }[];
  rss: { idleMb: number; peakMb: number };
}

export const OIDC_TARGETS = { ccPerSecondPostgres: 1500 };

const DEMO_SECRET = "demo-password";
const basic = (id: string) => `Basic ${Buffer.from(`${id}:${DEMO_SECRET}`).toString("base64")}`;

export async function runOidcBench(database: BenchDatabase, load: LoadOptions): Promise<OidcBenchResult> {
  const gateway = await startGateway(database);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const idle = await readRss(gateway.pid);
    const rs256 = measureRs256();
    const base = gateway.baseUrl;
    const sampler = sampleRss(gateway.pid);
    const phases: OidcBenchResult["phases"] = [];
    const ratio = (r: LoadResult) => Math.round((r.perSecond / rs256.perSecond) * 100) / 100;
    const phase = async (name: OidcPhase, iteration: Parameters<typeof runLoad>[1]) => {
      const cpu0 = await readCpuMs(gateway.pid);
      const result = await runLoad(load, iteration);
      const cpu = (await readCpuMs(gateway.pid)) - cpu0;
      const serverCpuMsPerGrant = Math.round((cpu / Math.max(1, result.iterations + result.warmupIterations)) * 100) / 100;
      phases.push({ phase: name, load: result, ratioToRs256: ratio(result), serverCpuMsPerGrant });
    };

    await phase("cc", async (_vu, agent) => {
      const res = await tokenRequest(agent, base, { grant_type: "client_credentials" }, basic("demo-service"));
      if (res.status !== 200) throw new Error(`client_credentials answered ${res.status}: ${res.body.slice(0, 200)}`);
    });

    const resource = `${base.origin}/api/admin`;
    await phase("cc-jwt", async (_vu, agent) => {
      const res = await tokenRequest(agent, base, { grant_type: "client_credentials", scope: "admin:read", resource }, basic("admin-automation"));
      if (res.status !== 200) throw new Error(`client_credentials (jwt) answered ${res.status}: ${res.body.slice(0, 200)}`);
    });

    // one grant per virtual user, obtained through the login pages before the clock starts
    const tokens: string[] = [];
    const setupAgent = keepAliveAgent(4);
    for (let i = 0; i < load.connections; i++) tokens.push(await codeFlowRefreshToken(setupAgent, base, ["alice", "bob", "admin"][i % 3]!));
    setupAgent.destroy();
    await phase("refresh", async (vu, agent: http.Agent) => {
      const res = await tokenRequest(agent, base, { grant_type: "refresh_token", refresh_token: tokens[vu]!, client_id: "mobile-app" });
      if (res.status !== 200) throw new Error(`refresh_token answered ${res.status}: ${res.body.slice(0, 200)}`);
      tokens[vu] = (JSON.parse(res.body) as { refresh_token: string }).refresh_token;
    });

    const peak = await sampler.stop();
    const after = await readRss(gateway.pid);
    return { bench: "oidc", database, connections: load.connections, rs256, phases, rss: { idleMb: idle.rssMb, peakMb: Math.max(peak, after.peakMb) } };
  } finally {
    await gateway.stop();
  }
}

export function printOidcTable(results: readonly OidcBenchResult[]): void {
  const head = ["bench", "database", "conns", "grants/s", "p50 ms", "p95 ms", "p99 ms", "errors", "RS256 signs/s", "ratio", "server CPU ms/grant"];
  console.log(head.join("  "));
  for (const r of results) {
    for (const p of r.phases) {
      const l = p.load.latency;
      console.log([`oidc/${p.phase}`, r.database, r.connections, p.load.perSecond.toFixed(1), l.p50.toFixed(1), l.p95.toFixed(1), l.p99.toFixed(1), p.load.errors, r.rs256.perSecond.toFixed(0), `${Math.round(p.ratioToRs256 * 100)}%`, p.serverCpuMsPerGrant].join("  "));
    }
    console.log("  server CPU ms/grant: the gateway process only (PostgreSQL and the load driver share the machine)");
    console.log(`  oidc/${r.database}: idle RSS ${r.rss.idleMb} MB, peak RSS ${r.rss.peakMb} MB; RS256 ${r.rs256.perSecondPerCore.toFixed(0)} signs/s per core × ${r.rs256.cores} cores`);
    const cc = r.phases.find((p) => p.phase === "cc")!;
    if (r.database === "postgres") {
      console.log(`  target ≥ ${OIDC_TARGETS.ccPerSecondPostgres} client-credentials grants/s on PostgreSQL: ${cc.load.perSecond >= OIDC_TARGETS.ccPerSecondPostgres ? "met" : "MISSED"} (${cc.load.perSecond})`);
    }
    for (const p of r.phases) if (p.load.errors) console.log(`  ${p.phase} errors: ${p.load.firstErrors.join("; ")}`);
  }
}

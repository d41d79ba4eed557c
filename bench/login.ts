// Login bench: a complete browser-style password login per iteration, each by a new visitor
// (fresh cookie jar): GET /login → read `_csrf` and cookies → POST /login → follow the 303 to
// `/` → 200 as the signed-in user. Reported next to the machine's argon2id limit measured in the
// same run: every login costs exactly one argon2id verification, so logins/s cannot exceed it.
import type http from "node:http";
import { measureArgon2, type Argon2Limit } from "./lib/argon2-limit.ts";
import { startGateway, type BenchDatabase } from "./lib/gateway.ts";
import { CookieJar, hiddenField, request } from "./lib/http.ts";
import { runLoad, type LoadOptions, type LoadResult } from "./lib/load.ts";
import { readCpuMs, readRss, sampleRss } from "./lib/proc.ts";

/** Demo users (DESIGN.md "Demo data"), all with the default demo password. */
const USERS = ["alice", "bob", "admin"];
const PASSWORD = "demo-password";
const CSRF_FIELD = "_csrf";

export interface LoginBenchResult {
  bench: "login";
  database: BenchDatabase;
  load: LoadResult;
  connections: number;
  argon2: Argon2Limit;
  /** logins/s ÷ argon2id verifications/s on all cores */
  ratioToArgon2: number;
  loginsPerSecondPerCore: number;
  rss: { idleMb: number; peakMb: number; afterMb: number };
  /**
   * Where the CPU went, per login, in milliseconds: the whole server process (all threads), of
   * which argon2id is about `argon2Ms`; and this load driver, which shares the machine.
   */
  cpu: { serverMsPerLogin: number; argon2Ms: number; serverOtherMsPerLogin: number; driverMsPerLogin: number };
}

export const LOGIN_TARGETS = { loginsPerSecondPerCore: 60, ratioToArgon2: 0.8, idleRssMb: 150 };

export async function loginIteration(base: URL, agent: http.Agent, username: string): Promise<void> {
  const jar = new CookieJar();
  const origin = base.origin;
  const page = await request(agent, new URL("/login", base), { headers: { accept: "text/html" } });
  if (page.status !== 200) throw new Error(`GET /login answered ${page.status}`);
  jar.store(page.headers);
  const csrf = hiddenField(page.body, CSRF_FIELD);
  if (!csrf) throw new Error("GET /login: no _csrf field in the form");

  const body = new URLSearchParams({ [CSRF_FIELD]: csrf, username, password: PASSWORD }).toString();
  const post = await request(agent, new URL("/login", base), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)), cookie: jar.header(), origin, "sec-fetch-site": "same-origin", accept: "text/html" },
    body,
  });
  if (post.status !== 303 && post.status !== 302) throw new Error(`POST /login answered ${post.status}${post.status === 429 ? " (rate limited)" : ""}`);
  jar.store(post.headers);
  const location = new URL(post.headers.location ?? "", base);
  if (location.origin !== origin) throw new Error(`POST /login redirected off-site to ${location}`);

  const home = await request(agent, location, { headers: { cookie: jar.header(), accept: "text/html" } });
  if (home.status !== 200) throw new Error(`GET ${location.pathname} after login answered ${home.status}`);
}

export async function runLoginBench(database: BenchDatabase, load: LoadOptions): Promise<LoginBenchResult> {
  // Many connections sign in as the same three demo users at once: with the default lockout
  // threshold (5) an account's sixth attempt in flight would be refused (429). The bench measures
  // sign-ins, so the threshold is raised; every login still does the same throttle statements.
  const gateway = await startGateway(database, { env: { IDP_LOCKOUT_THRESHOLD: "1000" } });
  try {
    await new Promise((r) => setTimeout(r, 1500)); // let boot-time work (key generation, seeding, GC) settle
    const idle = await readRss(gateway.pid);
    // The limit is measured while the server is idle, on the same machine, in the same run.
    const argon2 = await measureArgon2();
    const sampler = sampleRss(gateway.pid);
    const cpu0 = { server: await readCpuMs(gateway.pid), driver: process.cpuUsage() };
    const result = await runLoad(load, (vu, agent) => loginIteration(gateway.baseUrl, agent, USERS[vu % USERS.length]!));
    const serverCpu = (await readCpuMs(gateway.pid)) - cpu0.server;
    const driverUsage = process.cpuUsage(cpu0.driver);
    const sampledPeak = await sampler.stop();
    const after = await readRss(gateway.pid);
    // CPU is counted over warm-up and measurement alike: divide by every login completed.
    const logins = result.iterations + result.warmupIterations;
    const perLogin = (ms: number) => Math.round((ms / Math.max(1, logins)) * 100) / 100;
    const argon2Ms = Math.round((1000 / argon2.perSecondPerCore) * 100) / 100;
    return {
      bench: "login",
      database,
      load: result,
      connections: load.connections,
      argon2,
      ratioToArgon2: Math.round((result.perSecond / argon2.perSecond) * 100) / 100,
      loginsPerSecondPerCore: Math.round((result.perSecond / argon2.cores) * 10) / 10,
      rss: { idleMb: idle.rssMb, peakMb: Math.max(after.peakMb, sampledPeak), afterMb: after.rssMb },
      cpu: {
        serverMsPerLogin: perLogin(serverCpu),
        argon2Ms,
        serverOtherMsPerLogin: Math.round((perLogin(serverCpu) - argon2Ms) * 100) / 100,
        driverMsPerLogin: perLogin((driverUsage.user + driverUsage.system) / 1000),
      },
    };
  } finally {
    await gateway.stop();
  }
}

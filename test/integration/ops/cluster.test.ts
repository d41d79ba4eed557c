// IDP_WORKERS=2, the real process tree (`node --import tsx src/main.ts` on a fresh PostgreSQL
// database): the database is migrated and seeded once (by the primary's short-lived preparer),
// two workers serve the one port, /metrics sums
// both workers whichever answers, a killed worker is replaced, and SIGTERM stops everything with
// exit 0. PostgreSQL only: the embedded database refuses more than one process (server-process.test.ts).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { testBackends } from "../../helpers/db.ts";
import { freshDatabase, type FreshDatabase } from "../db/fresh-database.ts";
import { exitWithin, freePort, type ServerProcess, startServer } from "./spawn-server.ts";

const MIGRATIONS = readdirSync(new URL("../../../prisma/migrations/", import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).length;

interface Health {
  status: string;
  worker?: { id: number; pid: number };
}

/**
 * One request on its own connection (the cluster hands out connections, not requests). With a
 * timeout: a connection the primary hands to a worker at the moment it is killed is never
 * answered (node:cluster leaves it open), and a test must not wait for it forever.
 */
function getFresh(url: string, form?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(form) };
    http
      .request(url, { method: form === undefined ? "GET" : "POST", headers, agent: false, timeout: 5000 }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      })
      .on("timeout", function (this: http.ClientRequest) {
        this.destroy(new Error(`no answer from ${url} in 5 s`));
      })
      .on("error", reject)
      .end(form);
  });
}

const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The JSON log lines on stdout (the banner lines are plain text). */
function logLines(s: ServerProcess): Record<string, unknown>[] {
  return s
    .stdout()
    .split("\n")
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

async function until<T>(s: ServerProcess, what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (s.child.exitCode !== null) assert.fail(`gateway exited (${s.child.exitCode}) while waiting for ${what}: ${s.stderr()}`);
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`gave up waiting for ${what}; stdout:\n${s.stdout()}\nstderr:\n${s.stderr()}`);
}

/** The value of one series (`name{labels}` exactly as exposed) in a Prometheus text exposition. */
function valueOf(exposition: string, series: string): number {
  const line = exposition.split("\n").find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no ${series} in:\n${exposition.slice(0, 2000)}`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}

const HEALTHZ_OK = 'http_requests_total{method="GET",route="/healthz",status="200"}';
const STS_UNKNOWN_ACTION = 'idp_sts_requests_total{action="unknown",outcome="failure",code="InvalidAction"}';

for (const backend of testBackends().filter((b) => b === "postgres")) {
  describe(`IDP_WORKERS=2: the cluster process tree (${backend})`, () => {
    let fresh: FreshDatabase;
    let dataDir: string;
    let s: ServerProcess;
    let base: string;
    before(async () => {
      fresh = await freshDatabase(backend);
      dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-cluster-"));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      s = startServer({
        PORT: String(port),
        IDP_BASE_URL: base,
        IDP_DATA_DIR: dataDir,
        IDP_MASTER_KEY: randomBytes(32).toString("base64"),
        DATABASE_URL: fresh.url!,
        IDP_SEED_DEMO: "true",
        IDP_WORKERS: "2",
        LOG_LEVEL: "info",
      });
      // the primary prints the banner once every worker is listening
      await until(s, "the banner", () => (s.stdout().includes("idp-gateway is up") ? true : undefined));
    });
    after(async () => {
      if (s.child.exitCode === null) s.child.kill("SIGKILL");
      // the workers, should a failed test have left them
      for (const l of logLines(s)) if (typeof l.worker === "number" && typeof l.pid === "number" && alive(l.pid)) process.kill(l.pid, "SIGKILL");
      await fresh.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    const served = new Map<number, number>(); // worker pid → /healthz requests it answered

    it("two worker processes, children of the primary, answer requests on the one port", async () => {
      for (let i = 0; i < 10; i++) {
        const res = await getFresh(`${base}/healthz`);
        assert.equal(res.status, 200);
        const h = JSON.parse(res.body) as Health;
        assert.equal(h.status, "ok");
        assert.ok(h.worker, `a cluster worker names itself: ${res.body}`);
        served.set(h.worker.pid, (served.get(h.worker.pid) ?? 0) + 1);
      }
      assert.equal(served.size, 2, `answered by ${[...served.keys()].join(", ")}`);
      for (const pid of served.keys()) {
        assert.notEqual(pid, s.child.pid, "the primary serves no HTTP");
        assert.equal(parentOf(pid), s.child.pid, `worker ${pid} is the primary's child`);
      }
      assert.equal((await getFresh(`${base}/readyz`)).status, 200);
    });

    it("the migrator and the demo seed ran once, in the primary's preparer; the workers ran neither", async () => {
      const logs = logLines(s);
      const migrator = logs.filter((l) => l.msg === "database migrated" || l.msg === "database schema up to date");
      assert.equal(migrator.length, 1, JSON.stringify(migrator));
      assert.equal(migrator[0]!.role, "prepare");
      const preparer = migrator[0]!.pid as number;
      assert.ok(preparer !== s.child.pid && !served.has(preparer), "neither the primary nor a worker");
      assert.equal(alive(preparer), false, "the preparer has exited");
      assert.equal((migrator[0]!.applied as string[]).length, MIGRATIONS, "the fresh database got every migration");
      const seed = logs.filter((l) => typeof l.msg === "string" && l.msg.startsWith("demo data"));
      assert.deepEqual(
        seed.map((l) => [l.role, l.pid, l.msg]),
        [["prepare", preparer, "demo data seeded (users admin, alice, bob)"]],
      );
      const workers = logs.filter((l) => l.msg === "worker listening").map((l) => l.pid);
      assert.deepEqual(new Set(workers), new Set(served.keys()), "the workers that answered are the ones that started");

      const rows = await fresh.db.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL");
      assert.equal(rows[0]?.n, MIGRATIONS);
      assert.equal(await fresh.db.prisma.user.count(), 3, "admin, alice, bob");
    });

    it("/metrics on any worker counts the requests of both", async () => {
      const total = [...served.values()].reduce((a, b) => a + b, 0);
      for (const n of served.values()) assert.ok(n < total, "each worker served only part of them");
      // the protocol counters too: STS calls on fresh connections, spread over both workers
      const stsCalls = 6;
      for (let i = 0; i < stsCalls; i++) assert.equal((await getFresh(`${base}/sts`, "Action=NoSuchAction&Version=2011-06-15")).status, 400);
      // fresh connections go round-robin: these scrapes reach both workers
      for (let i = 0; i < 4; i++) {
        const res = await getFresh(`${base}/metrics`);
        assert.equal(res.status, 200, res.body);
        assert.equal(valueOf(res.body, HEALTHZ_OK), total);
        assert.equal(valueOf(res.body, STS_UNKNOWN_ACTION), stsCalls);
      }
    });

    it("a killed worker is replaced, the restart is logged, and /metrics answers throughout", async () => {
      const [victim] = served.keys();
      process.kill(victim!, "SIGKILL");
      const noticed = () => logLines(s).some((l) => l.msg === "worker exited unexpectedly; starting a new one");
      await until(s, "the primary to notice the death", () => (noticed() ? true : undefined));
      const scrapes: number[] = [];
      const replacement = await until(s, "a replacement worker", async () => {
        // while the replacement boots (seconds), the metrics of the workers that are up
        scrapes.push((await getFresh(`${base}/metrics`)).status);
        // two health checks: fresh connections alternate between the workers, so one probe per
        // scrape could keep landing on the same worker as the scrape before it, never the new one
        for (let i = 0; i < 2; i++) {
          const h = JSON.parse((await getFresh(`${base}/healthz`)).body) as Health;
          if (h.worker && !served.has(h.worker.pid)) return h.worker.pid;
        }
        return undefined;
      });
      assert.ok(scrapes.length >= 2, `scraped during the restart: ${scrapes.length}`);
      assert.deepEqual(scrapes.filter((status) => status !== 200), [], "every scrape answered 200");
      assert.equal(parentOf(replacement), s.child.pid);
      const died = logLines(s).filter((l) => l.msg === "worker exited unexpectedly; starting a new one");
      assert.equal(died.length, 1, JSON.stringify(died));
      assert.equal(died[0]!.workerPid, victim);
      assert.equal(died[0]!.signal, "SIGKILL");
      served.delete(victim!);
      served.set(replacement, 0);
    });

    it("SIGTERM to the primary: every worker drains, the primary exits 0", async () => {
      s.child.kill("SIGTERM");
      const { code, signal } = await exitWithin(s, 30_000);
      assert.equal(signal, null, "exited by itself, not killed");
      assert.equal(code, 0, s.stderr());
      for (const pid of served.keys()) assert.equal(alive(pid), false, `worker ${pid} is gone`);
      const stopped = logLines(s).filter((l) => l.msg === "stopped");
      assert.equal(stopped.length, 3, "both workers and the primary stopped in order");
      assert.equal(stopped.at(-1)!.role, "primary", "the primary last");
      assert.doesNotMatch(s.stderr(), /Error|unhandled/i);
      await assert.rejects(getFresh(`${base}/healthz`), "the port is closed");
    });
  });
}

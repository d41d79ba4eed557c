// The real server process (`node --import tsx src/main.ts`, as `npm start` runs it): boot failures
// stop it with one clear line and a non-zero exit; SIGTERM drains and exits 0.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, testBackends, type TestDatabase } from "../../helpers/db.ts";
import { exitWithin, freePort, lines, startServer } from "./spawn-server.ts";

describe("server process: boot failures", () => {
  it("an unreachable DATABASE_URL: retries, then exits 69 with one line naming the database", async () => {
    const s = startServer({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/idp", IDP_DB_CONNECT_ATTEMPTS: "2", IDP_DATA_DIR: os.tmpdir() });
    const { code } = await exitWithin(s, 60_000);
    assert.equal(code, 69, s.stderr());
    const errLines = lines(s.stderr());
    assert.equal(errLines.length, 1, s.stderr());
    assert.match(errLines[0]!, /^database unreachable: PostgreSQL at 127\.0\.0\.1:1\/idp \(.+\); gave up after 2 attempts$/);
    assert.match(s.stdout(), /retry 1\/1/, "the retry is logged");
  });

  it("a bad configuration value: exits 78 with one line naming the variable", async () => {
    const s = startServer({ PORT: "http" });
    const { code } = await exitWithin(s, 30_000);
    assert.equal(code, 78);
    assert.deepEqual(lines(s.stderr()), ['configuration error: PORT: must be a whole number (got "http")']);
  });

  it("IDP_WORKERS above 1 on the embedded database: exits 78, the embedded database serves one process", async () => {
    const s = startServer({ IDP_WORKERS: "2", IDP_DATA_DIR: os.tmpdir() });
    const { code } = await exitWithin(s, 30_000);
    assert.equal(code, 78);
    assert.deepEqual(lines(s.stderr()), [
      "configuration error: IDP_WORKERS: 2 worker processes need PostgreSQL (DATABASE_URL); the embedded database serves one process only (set IDP_WORKERS=1)",
    ]);
    assert.equal(s.stdout(), "", "nothing started");
  });

  it("IDP_WORKERS=2 and an unreachable DATABASE_URL: the same one line and exit 69, no worker started", async () => {
    const s = startServer({ IDP_WORKERS: "2", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/idp", IDP_DB_CONNECT_ATTEMPTS: "2", IDP_DATA_DIR: os.tmpdir() });
    const { code } = await exitWithin(s, 60_000);
    assert.equal(code, 69, s.stderr());
    const errLines = lines(s.stderr());
    assert.equal(errLines.length, 1, s.stderr());
    assert.match(errLines[0]!, /^database unreachable: PostgreSQL at 127\.0\.0\.1:1\/idp \(.+\); gave up after 2 attempts$/);
    assert.doesNotMatch(s.stdout(), /worker listening/);
  });

  for (const bad of ["0", "abc"]) {
    it(`IDP_WORKERS=${bad}: exits 78 with one line naming IDP_WORKERS`, async () => {
      const s = startServer({ IDP_WORKERS: bad, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/idp" });
      const { code } = await exitWithin(s, 30_000);
      assert.equal(code, 78);
      assert.deepEqual(lines(s.stderr()), [`configuration error: IDP_WORKERS: must be a whole number between 1 and 256, or auto (got "${bad}")`]);
    });
  }

  it("production without a master key: exits 78 before touching anything", async () => {
    const s = startServer({ NODE_ENV: "production", IDP_BASE_URL: "https://idp.example.com", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/idp" });
    const { code } = await exitWithin(s, 30_000);
    assert.equal(code, 78);
    assert.match(lines(s.stderr())[0]!, /^configuration error: IDP_MASTER_KEY: is required in production/);
  });
});

for (const backend of testBackends()) {
  describe(`server process: start and graceful stop (${backend})`, () => {
    let dataDir: string;
    let testDb: TestDatabase | undefined;
    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-proc-"));
      if (backend === "postgres") testDb = await createTestDatabase("postgres");
    });
    after(async () => {
      await testDb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("serves /healthz and /readyz, and exits 0 on SIGTERM", async () => {
      const port = await freePort();
      const s = startServer({
        PORT: String(port),
        IDP_BASE_URL: `http://127.0.0.1:${port}`,
        IDP_DATA_DIR: dataDir,
        IDP_MASTER_KEY: randomBytes(32).toString("base64"),
        IDP_SEED_DEMO: "false",
        ...(testDb ? { DATABASE_URL: testDb.url! } : {}),
      });
      try {
        const base = `http://127.0.0.1:${port}`;
        let health: Response | undefined;
        for (let i = 0; i < 300 && !health; i++) {
          if (s.child.exitCode !== null) assert.fail(`server exited early (${s.child.exitCode}): ${s.stderr()}`);
          health = await fetch(`${base}/healthz`).catch(() => undefined);
          if (!health) await new Promise((r) => setTimeout(r, 200));
        }
        assert.equal(health?.status, 200, s.stderr());
        assert.deepEqual(await health!.json(), { status: "ok" });
        assert.equal((await fetch(`${base}/readyz`)).status, 200);

        s.child.kill("SIGTERM");
        const { code, signal } = await exitWithin(s, 20_000);
        assert.equal(signal, null, "exited by itself, not killed");
        assert.equal(code, 0, s.stderr());
        assert.doesNotMatch(s.stderr(), /Error|unhandled/i);
        await assert.rejects(fetch(`${base}/healthz`), "the port is closed after exit");
      } finally {
        if (s.child.exitCode === null) s.child.kill("SIGKILL");
      }
    });
  });
}

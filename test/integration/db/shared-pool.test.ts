// PostgreSQL: one connection pool per process (IDP_DB_POOL_SIZE), shared by Prisma and by the hot
// paths that bypass it (OIDC grants, STS sessions and audit). Before, OIDC and the STS each opened
// their own pool beside Prisma's, so a process could hold three pools' worth of connections.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { mintIdToken, webIdentityCall } from "../../helpers/sts.ts";

const POOL_SIZE = 4; // test/helpers/db.ts opens its PostgreSQL databases with this pool size
const LISTENERS = 3; // directory, keys and STS provider caches each LISTEN on their own connection

for (const backend of testBackends().filter((b) => b === "postgres")) {
  describe(`one connection pool per process (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    async function connections(): Promise<number> {
      const name = new URL(t.testDb.url!).pathname.slice(1);
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      try {
        const r = await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [name]);
        return Number(r.rows[0]!.n);
      } finally {
        await c.end();
      }
    }

    test("concurrent STS exchanges, OIDC grants and Prisma reads stay within the pool", async () => {
      const token = await mintIdToken(t.services);
      const grant = () =>
        t.request
          .post("/token")
          .auth("demo-service", t.config.demoPassword)
          .type("form")
          .send({ grant_type: "client_credentials" })
          .then((r) => assert.equal(r.status, 200, r.text));
      const exchange = () => webIdentityCall(t.request, token).then((r) => assert.equal(r.status, 200, r.text));
      const read = () => t.services.db.prisma.user.count().then((n) => assert.ok(n > 0));
      await Promise.all(Array.from({ length: 20 }, (_, i) => [exchange, grant, read][i % 3]!()));
      await t.services.sts.flushAudit();

      assert.ok(t.services.db.pool, "the process's pool is exposed");
      assert.ok(t.services.db.pool.totalCount <= POOL_SIZE);
      const n = await connections();
      assert.ok(n <= POOL_SIZE + LISTENERS, `${n} connections for a pool of ${POOL_SIZE} and ${LISTENERS} listeners`);
    });
  });
}

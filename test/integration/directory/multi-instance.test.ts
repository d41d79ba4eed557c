// Two DirectoryService instances on one PostgreSQL database, as behind a load balancer: a write on
// one reaches the other's cache through NOTIFY (or a listener reconnect), and writers take turns.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Conflict, Invalid } from "../../../src/errors.ts";
import { createTestDatabase, testBackends, type TestDatabase } from "../../helpers/db.ts";
import { roleArn, SAML_PROVIDER, startInstance, until, type Instance } from "./setup.ts";

const skip = testBackends().includes("postgres") ? false : "needs PostgreSQL: set TEST_DATABASE_URL (an in-memory PGlite cannot be shared by two instances)";

describe("directory on two instances (postgres)", { skip }, () => {
  let t: TestDatabase;
  let a: Instance;
  let b: Instance;

  before(async () => {
    t = await createTestDatabase("postgres");
    a = await startInstance(t.db);
    b = await startInstance(await t.openAnother());
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await t?.drop();
  });

  it("a write on one instance becomes visible on the other", async () => {
    const before = await b.dir.snapshot();
    assert.equal(await b.dir.snapshot(), before, "b serves its snapshot from memory");
    const g = await a.dir.createGroup({ name: "shared" }, "admin");
    await until(async () => (await b.dir.snapshot()).groupById.has(g.id), "instance b to see the new group");
  });

  it("a user change on one instance reaches the other's user cache", async () => {
    const u = await a.dir.createUser({ username: "mia" }, "admin");
    assert.equal((await b.dir.findUserByUsername("mia"))?.disabled, false); // now cached on b
    await a.dir.setUserDisabled(u.id, u.version, true, "admin");
    await until(async () => (await b.dir.findUserByUsername("mia"))?.disabled === true, "instance b to see the user disabled");
  });

  it("refuses on one instance to delete a group the other just mapped", async () => {
    const g = await a.dir.createGroup({ name: "mapped-elsewhere" }, "admin");
    const r = await a.dir.createRole({ arn: roleArn("Elsewhere"), samlProviderArn: SAML_PROVIDER }, "admin");
    await a.dir.mapGroupToRole({ groupId: g.id, roleId: r.id }, "admin");
    await assert.rejects(b.dir.deleteGroup(g.id, g.version, "admin"), Conflict);
  });

  it("writers take turns: two racing nestings cannot make a cycle", async () => {
    const g1 = await a.dir.createGroup({ name: "race-1" }, "admin");
    const g2 = await a.dir.createGroup({ name: "race-2" }, "admin");
    const results = await Promise.allSettled([
      a.dir.updateGroup(g1.id, g1.version, { parentId: g2.id }, "admin"),
      b.dir.updateGroup(g2.id, g2.version, { parentId: g1.id }, "admin"),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(failed.reason instanceof Invalid, String(failed.reason));
  });

  it("writers take turns: two racing tag rules cannot differ only by case", async () => {
    const results = await Promise.allSettled([
      a.dir.createTagRule({ attribute: "squad", tagKey: "Squad" }, "admin"),
      b.dir.createTagRule({ attribute: "squad2", tagKey: "SQUAD" }, "admin"),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.ok((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason instanceof Conflict);
  });

  it("drops its caches when its LISTEN connection comes back (notifications may have been missed)", async () => {
    const g = await a.dir.createGroup({ name: "before-reconnect" }, "admin");
    await b.settle();
    assert.ok((await b.dir.snapshot()).groupById.has(g.id));
    // cut every LISTEN connection of this database, then change a row without any NOTIFY
    await a.prisma.$queryRaw`
      SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`;
    await a.prisma.$executeRaw`UPDATE groups SET name = 'after-reconnect' WHERE id = ${g.id}::uuid`;
    await until(async () => (await b.dir.snapshot()).groupById.get(g.id)?.name === "after-reconnect", "instance b to reload after reconnecting", 10_000);
    // and notifications flow again afterwards
    const g2 = await a.dir.createGroup({ name: "after-listener-is-back" }, "admin");
    await until(async () => (await b.dir.snapshot()).groupById.has(g2.id), "instance b to see a write after the reconnect");
  });
});

// Admin edits of STS identity providers reach the STS's cached provider registry at once: a
// changed audience list is used, a deleted provider stops being trusted (no stale copy).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { StsProviderStore } from "../../../src/admin/providers-store.ts";

const ARN = "arn:aws:iam::111122223333:oidc-provider/login.example.com";

/** The registry drops its cache on the NOTIFY sent at commit; wait for it to be delivered. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 50 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 40));
    v = await read();
  }
  return v;
}

for (const backend of testBackends()) {
  describe(`admin provider edits reach the STS (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    test("create, change the audiences, delete: the STS sees each at once", async () => {
      const store = new StsProviderStore(t.services.db.prisma, t.services.audit);
      const registry = t.services.sts.providers;
      assert.equal(await registry.byArn(ARN), undefined);

      const created = await store.create({ arn: ARN, issuer: "https://login.example.com", clientIds: ["app-1"] }, "admin");
      assert.deepEqual((await eventually(() => registry.byArn(ARN), (p) => p !== undefined))?.clientIds, ["app-1"]);

      const updated = await store.update(created.id, created.version, { issuer: "https://login.example.com", clientIds: ["app-2"] }, "admin");
      assert.deepEqual((await eventually(() => registry.byArn(ARN), (p) => p?.clientIds[0] === "app-2"))?.clientIds, ["app-2"]);

      await store.delete(updated.id, updated.version, "admin");
      assert.equal(await eventually(() => registry.byArn(ARN), (p) => p === undefined), undefined);
    });
  });
}

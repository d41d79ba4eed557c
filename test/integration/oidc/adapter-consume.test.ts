// The OIDC adapter's consume() is the one place a code or refresh token becomes "used": of two
// consumes of the same artifact only the first succeeds; the second is a replay, so it revokes the
// artifact's whole grant and fails with the provider's own error (e2e: refresh.test.ts races real
// token requests through this). The revocation is reported once, with the grant's id, so it is
// audited like the provider's own (oidc.grant.revoke); the winner reports nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { errors, type Adapter } from "oidc-provider";
import { adapterFactory } from "../../../src/oidc/adapter.ts";
import type { ClientSource } from "../../../src/oidc/clients.ts";
import { createTestDatabase, testBackends, type TestDatabase } from "../../helpers/db.ts";

const noClients = { metadata: async () => undefined } as unknown as ClientSource;

for (const backend of testBackends()) {
  describe(`oidc adapter consume (${backend})`, () => {
    let t: TestDatabase;
    let model: (name: string) => Adapter;
    let revoked: string[] = [];
    before(async () => {
      t = await createTestDatabase(backend);
      const Adapter = adapterFactory(t.db.sql, noClients, (grantId) => revoked.push(grantId));
      model = (name) => new Adapter(name);
    });
    after(() => t.drop());

    async function grantWith(grantId: string) {
      await model("Grant").upsert(grantId, { jti: grantId, accountId: "alice", clientId: "mobile-app", kind: "Grant" }, 3600);
      await model("AuthorizationCode").upsert(`code-${grantId}`, { jti: `code-${grantId}`, grantId, kind: "AuthorizationCode" }, 60);
      await model("AccessToken").upsert(`at-${grantId}`, { jti: `at-${grantId}`, grantId, kind: "AccessToken" }, 3600);
      await model("RefreshToken").upsert(`rt-${grantId}`, { jti: `rt-${grantId}`, grantId, kind: "RefreshToken" }, 3600);
    }

    test("the first consume marks the artifact used and leaves the grant alone", async () => {
      await grantWith("g1");
      revoked = [];
      await model("AuthorizationCode").consume("code-g1");
      assert.deepEqual(revoked, [], "nothing revoked, nothing reported");
      const code = await model("AuthorizationCode").find("code-g1");
      assert.ok(code?.consumed, "the code reads as consumed");
      assert.ok(await model("Grant").find("g1"));
      assert.ok(await model("RefreshToken").find("rt-g1"));
    });

    test("a second consume of the same code: invalid_grant, and every artifact of its grant is gone", async () => {
      await grantWith("g2");
      await grantWith("bystander");
      await model("AuthorizationCode").consume("code-g2");
      revoked = [];
      await assert.rejects(model("AuthorizationCode").consume("code-g2"), (err: unknown) => {
        assert.ok(err instanceof errors.InvalidGrant);
        assert.equal(err.error_detail, "authorization code already consumed");
        return true;
      });
      for (const [m, id] of [["Grant", "g2"], ["AuthorizationCode", "code-g2"], ["AccessToken", "at-g2"], ["RefreshToken", "rt-g2"]] as const) {
        assert.equal(await model(m).find(id), undefined, `${m} ${id} is revoked`);
      }
      assert.deepEqual(revoked, ["g2"], "the revocation is reported with the grant's id");
      assert.ok(await model("RefreshToken").find("rt-bystander"), "another grant is untouched");
      assert.ok(await model("Grant").find("bystander"));
    });

    test("concurrent consumes of one refresh token: exactly one wins", async () => {
      await grantWith("g3");
      revoked = [];
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => model("RefreshToken").consume("rt-g3")));
      assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
      for (const o of outcomes.filter((x) => x.status === "rejected")) {
        assert.ok((o as PromiseRejectedResult).reason instanceof errors.InvalidGrant);
      }
      assert.equal(await model("Grant").find("g3"), undefined);
      assert.deepEqual(revoked, ["g3"], "five losers, one revocation reported");
    });

    test("a used pushed authorization request: invalid_request_uri (it has no grant to revoke)", async () => {
      await model("PushedAuthorizationRequest").upsert("par-1", { jti: "par-1", kind: "PushedAuthorizationRequest" }, 60);
      await model("PushedAuthorizationRequest").consume("par-1");
      revoked = [];
      await assert.rejects(model("PushedAuthorizationRequest").consume("par-1"), errors.InvalidRequestUri);
      assert.deepEqual(revoked, []);
    });
  });
}

// Refresh tokens: always rotated; presenting a used one is theft evidence and revokes the grant
// (every token issued under it). Also: code reuse revokes the grant.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { testBackends } from "../../helpers/db.ts";
import { authorize, codeFlow, MOBILE_REDIRECT, startOidcApp, verifyWithJwks, type OidcTestApp } from "../../helpers/oidc.ts";
import { AWS_TAGS_CLAIM } from "../../../src/oidc/index.ts";

for (const backend of testBackends()) {
  describe(`oidc refresh tokens (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    const RACERS = 8;
    const redeem = (code: string, verifier: string) =>
      app.request.post("/token").type("form").send({ grant_type: "authorization_code", code, redirect_uri: MOBILE_REDIRECT, client_id: "mobile-app", code_verifier: verifier });
    /** exactly one 200; every other answer is invalid_grant */
    const oneWinner = (results: { status: number; body: { error?: string; access_token: string; refresh_token: string } }[]) => {
      const won = results.filter((r) => r.status === 200);
      assert.equal(won.length, 1, `statuses: ${results.map((r) => r.status).join(",")}`);
      for (const r of results.filter((x) => x.status !== 200)) {
        assert.equal(r.status, 400);
        assert.equal(r.body.error, "invalid_grant");
      }
      return won[0]!;
    };
    const refreshRaw = (rt: string) => app.request.post("/token").type("form").send({ grant_type: "refresh_token", refresh_token: rt, client_id: "mobile-app" });

    test("refresh rotates the token and issues a fresh ID token with the AWS claims", async () => {
      const { config, tokens } = await codeFlow(app);
      assert.ok(tokens.refresh_token, "a refresh token for a client allowed the refresh_token grant");
      const next = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      assert.ok(next.refresh_token);
      assert.notEqual(next.refresh_token, tokens.refresh_token);
      const { payload } = await verifyWithJwks(app.base, next.id_token!, "mobile-app");
      assert.equal(payload.preferred_username, "alice");
      assert.ok(payload[AWS_TAGS_CLAIM]);
      // and the rotated one works again
      const third = await oidc.refreshTokenGrant(config, next.refresh_token!);
      assert.ok(third.access_token);
    });

    test("reusing a rotated refresh token: invalid_grant, and the whole grant is revoked", async () => {
      const { config, tokens } = await codeFlow(app);
      const next = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      const reuse = await refreshRaw(tokens.refresh_token!);
      assert.equal(reuse.status, 400);
      assert.equal(reuse.body.error, "invalid_grant");
      // the legitimate holder's newer token dies with the grant, and so does the access token
      const after = await refreshRaw(next.refresh_token!);
      assert.equal(after.status, 400);
      assert.equal(after.body.error, "invalid_grant");
      const userinfo = await app.request.get("/me").set("Authorization", `Bearer ${next.access_token}`);
      assert.equal(userinfo.status, 401);
      assert.equal(userinfo.body.error, "invalid_token");
    });

    test("a refresh token of another client: invalid_grant", async () => {
      const { tokens } = await codeFlow(app);
      const res = await app.request.post("/token").type("form").send({ grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: "idp-cli" });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "invalid_grant");
    });

    test("garbage refresh token: invalid_grant", async () => {
      const res = await refreshRaw("not-a-token");
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "invalid_grant");
    });

    test("authorization code reuse: invalid_grant and the tokens of the first redemption are revoked", async () => {
      const { tokens, callback, verifier } = await codeFlow(app);
      const code = new URL(callback).searchParams.get("code")!;
      const again = await app.request.post("/token").type("form").send({ grant_type: "authorization_code", code, redirect_uri: MOBILE_REDIRECT, client_id: "mobile-app", code_verifier: verifier });
      assert.equal(again.status, 400);
      assert.equal(again.body.error, "invalid_grant");
      const rt = await refreshRaw(tokens.refresh_token!);
      assert.equal(rt.status, 400);
      assert.equal(rt.body.error, "invalid_grant");
    });

    // Two requests can both read a code (or refresh token) as unused before either marks it used;
    // only one may win (RFC 6749 §4.1.2, §10.4). The loser is a replay: invalid_grant, and the grant
    // dies, taking the winner's tokens with it, as for a sequential reuse.
    test("the same authorization code redeemed by concurrent requests: one redemption wins, the grant is revoked", async () => {
      const { callback, verifier } = await authorize(app);
      const code = new URL(callback).searchParams.get("code")!;
      const results = await Promise.all(Array.from({ length: RACERS }, () => redeem(code, verifier)));
      const won = oneWinner(results);
      const rt = await refreshRaw(won.body.refresh_token);
      assert.equal(rt.body.error, "invalid_grant");
      const userinfo = await app.request.get("/me").set("Authorization", `Bearer ${won.body.access_token}`);
      assert.equal(userinfo.status, 401);
    });

    test("the same refresh token presented by concurrent requests: one rotation wins, the grant is revoked", async () => {
      const { tokens } = await codeFlow(app);
      const results = await Promise.all(Array.from({ length: RACERS }, () => refreshRaw(tokens.refresh_token!)));
      const won = oneWinner(results);
      const next = await refreshRaw(won.body.refresh_token);
      assert.equal(next.body.error, "invalid_grant");
    });

    // Which path a racer takes is timing; here a row lock makes both requests read the token as
    // unused and wait at the adapter's consume(), so the loser is caught there, not by the provider.
    // PostgreSQL only: it needs a second connection holding a row lock (PGlite has one connection)
    if (backend === "postgres") test("a refresh race lost in the adapter is audited like any grant revocation (oidc.grant.revoke), once", async () => {
      const { tokens } = await codeFlow(app);
      const rt = tokens.refresh_token!;
      const holder = await app.t.services.db.pool!.connect();
      let racing: Promise<Awaited<ReturnType<typeof refreshRaw>>[]>;
      let grantId: string;
      try {
        await holder.query("BEGIN");
        grantId = (await holder.query("SELECT grant_id FROM oidc_artifacts WHERE model = 'RefreshToken' AND id = $1 FOR UPDATE", [rt])).rows[0].grant_id;
        racing = Promise.all([refreshRaw(rt).then((r) => r), refreshRaw(rt).then((r) => r)]); // then() sends them now
        const waiting = async () =>
          // another connection: inside a transaction pg_stat_activity is a snapshot that never changes
          (await app.t.services.db.pool!.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE oidc_artifacts SET consumed%'")).rows[0].n;
        for (let i = 0; (await waiting()) < 2; i++) {
          assert.ok(i < 200, "both token requests should be waiting at consume()");
          await new Promise((r) => setTimeout(r, 25));
        }
        await holder.query("COMMIT");
      } finally {
        await holder.query("ROLLBACK"); // a no-op after COMMIT; never hand the pool an open transaction
        holder.release();
      }
      oneWinner(await racing);
      const revocations = async () => (await app.t.services.audit.query({ action: "oidc.grant.revoke", limit: 1000 })).filter((e) => e.target === grantId);
      for (let i = 0; i < 40 && (await revocations()).length === 0; i++) await new Promise((r) => setTimeout(r, 25)); // audited after the answer
      const events = await revocations();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actor, "mobile-app");
      assert.deepEqual(events[0]!.details, { route: "token" });
    });
  });
}

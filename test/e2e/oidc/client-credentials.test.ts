// Client credentials for machine identities (roles from the client's groups), the admin API token
// contract (RS256 JWT for resource <base>/api/admin), introspection and revocation.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { testBackends } from "../../helpers/db.ts";
import { DEMO_PASSWORD } from "../../helpers/browser.ts";
import { discover, startOidcApp, verifyWithJwks, type OidcTestApp } from "../../helpers/oidc.ts";

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

for (const backend of testBackends()) {
  describe(`oidc client credentials (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    test("demo-service gets an opaque token whose introspection shows its groups and roles", async () => {
      const config = await discover(app.base, "demo-service", DEMO_PASSWORD);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: "roles" });
      assert.equal(tokens.token_type.toLowerCase(), "bearer");
      assert.ok(tokens.expires_in! > 0);
      const info = await oidc.tokenIntrospection(config, tokens.access_token);
      assert.equal(info.active, true);
      assert.equal(info.client_id, "demo-service");
      assert.equal(info.scope, "roles");
      assert.deepEqual(info.groups, ["engineering"]);
      assert.deepEqual(info.roles, ["arn:aws:iam::111122223333:role/Engineer"]);
    });

    test("revocation: a revoked token introspects inactive", async () => {
      const config = await discover(app.base, "demo-service", DEMO_PASSWORD);
      const tokens = await oidc.clientCredentialsGrant(config, {});
      await oidc.tokenRevocation(config, tokens.access_token);
      const info = await oidc.tokenIntrospection(config, tokens.access_token);
      assert.equal(info.active, false);
    });

    test("admin API token: RS256 JWT, iss = base, aud = <base>/api/admin, scope, client_id, active key", async () => {
      const config = await discover(app.base, "admin-automation", DEMO_PASSWORD);
      const resource = `${app.base}/api/admin`;
      const tokens = await oidc.clientCredentialsGrant(config, { scope: "admin admin:read", resource });
      const { payload, kid } = await verifyWithJwks(app.base, tokens.access_token, resource);
      assert.equal(kid, app.t.services.keys.activeKey().kid);
      assert.equal(payload.iss, app.base);
      assert.equal(payload.aud, resource);
      assert.equal(payload.client_id, "admin-automation");
      assert.equal(payload.scope, "admin admin:read");
      assert.ok(payload.exp! > payload.iat!);

      const readOnly = await oidc.clientCredentialsGrant(config, { scope: "admin:read", resource });
      assert.equal((await verifyWithJwks(app.base, readOnly.access_token, resource)).payload.scope, "admin:read");
    });

    test("admin scopes are not granted to a client not allowed them", async () => {
      const res = await app.request
        .post("/token")
        .set("Authorization", basic("demo-service", DEMO_PASSWORD))
        .type("form")
        .send({ grant_type: "client_credentials", scope: "admin", resource: `${app.base}/api/admin` });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "invalid_scope");
    });

    test("an unknown resource is invalid_target", async () => {
      const res = await app.request
        .post("/token")
        .set("Authorization", basic("admin-automation", DEMO_PASSWORD))
        .type("form")
        .send({ grant_type: "client_credentials", scope: "admin", resource: "https://elsewhere.example/api" });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "invalid_target");
    });

    test("wrong client secret: 401 invalid_client, audited", async () => {
      const res = await app.request.post("/token").set("Authorization", basic("demo-service", "wrong")).type("form").send({ grant_type: "client_credentials" });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, "invalid_client");
      assert.match(String(res.headers["content-type"]), /application\/json/);
      await waitForAudit(app, "oidc.grant", "invalid_client");
    });

    test("unknown client: 401 invalid_client", async () => {
      const res = await app.request.post("/token").set("Authorization", basic("nobody", "x")).type("form").send({ grant_type: "client_credentials" });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, "invalid_client");
    });

    test("a public client cannot use client credentials", async () => {
      const res = await app.request.post("/token").type("form").send({ grant_type: "client_credentials", client_id: "mobile-app" });
      assert.equal(res.status, 400);
      // oidc-provider answers invalid_request here ("requested grant type is not allowed for this client")
      assert.equal(res.body.error, "invalid_request");
      assert.match(res.body.error_description, /grant type is not allowed/);
    });

    test("malformed token requests: JSON errors, never a crash", async () => {
      const noGrant = await app.request.post("/token").set("Authorization", basic("demo-service", DEMO_PASSWORD)).type("form").send({});
      assert.equal(noGrant.status, 400);
      assert.equal(noGrant.body.error, "invalid_request");
      const badGrant = await app.request.post("/token").set("Authorization", basic("demo-service", DEMO_PASSWORD)).type("form").send({ grant_type: "magic" });
      assert.equal(badGrant.status, 400);
      assert.equal(badGrant.body.error, "unsupported_grant_type");
      const json = await app.request.post("/token").set("Authorization", basic("demo-service", DEMO_PASSWORD)).set("Content-Type", "application/json").send('{"grant_type":');
      assert.equal(json.status, 400);
      assert.equal(typeof json.body.error, "string");
      const dup = await app.request.post("/token").set("Authorization", basic("demo-service", DEMO_PASSWORD)).type("form").send("grant_type=client_credentials&grant_type=client_credentials");
      assert.equal(dup.status, 400);
      assert.equal(dup.body.error, "invalid_request");
      const scope = await app.request.post("/token").set("Authorization", basic("demo-service", DEMO_PASSWORD)).type("form").send({ grant_type: "client_credentials", scope: "nonsense" });
      // unknown scope values are ignored (RFC 6749 §3.3); known but not allowed ones are invalid_scope (above)
      assert.equal(scope.status, 200);
      assert.equal(scope.body.scope, undefined);
      const huge = await app.request.post("/token").set("Authorization", basic("demo-service", DEMO_PASSWORD)).type("form").send({ grant_type: "client_credentials", scope: "x".repeat(300_000) });
      assert.ok(huge.status >= 400 && huge.status < 500, `status ${huge.status}`);
      const health = await app.request.get("/healthz");
      assert.equal(health.status, 200);
    });
  });
}

async function waitForAudit(app: OidcTestApp, action: string, error: string): Promise<void> {
  // the audit write is fire-and-forget after the response: poll briefly for it
  for (let i = 0; i < 50; i++) {
    const events = await app.t.services.audit.query({ action });
    if (events.some((e) => (e.details as { error?: string }).error === error && e.outcome === "failure")) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`no ${action} failure audit event with error ${error}`);
}

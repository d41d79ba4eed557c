// Introspection, revocation and userinfo with bad input; errors audited; withdrawing someone
// else's consent does nothing; expired artifacts are swept.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testBackends } from "../../helpers/db.ts";
import { DEMO_PASSWORD, csrfFrom, login } from "../../helpers/browser.ts";
import { codeFlow, startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";

const basic = `Basic ${Buffer.from(`demo-service:${DEMO_PASSWORD}`).toString("base64")}`;

for (const backend of testBackends()) {
  describe(`oidc endpoints, bad input (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    test("introspection: refused without client authentication; an unknown token is inactive", async () => {
      const anonymous = await app.request.post("/token/introspection").type("form").send({ token: "x" });
      assert.equal(anonymous.status, 400);
      assert.equal(typeof anonymous.body.error, "string");
      const missing = await app.request.post("/token/introspection").set("Authorization", basic).type("form").send({});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, "invalid_request");
      const unknown = await app.request.post("/token/introspection").set("Authorization", basic).type("form").send({ token: "no-such-token" });
      assert.equal(unknown.status, 200);
      assert.deepEqual(unknown.body, { active: false });
    });

    test("a public client cannot introspect another client's token", async () => {
      const cc = await app.request.post("/token").set("Authorization", basic).type("form").send({ grant_type: "client_credentials" });
      const res = await app.request.post("/token/introspection").type("form").send({ token: cc.body.access_token, client_id: "mobile-app" });
      assert.notEqual(res.body.active, true);
    });

    test("revocation: unknown tokens are accepted (RFC 7009), a missing token is invalid_request", async () => {
      const unknown = await app.request.post("/token/revocation").set("Authorization", basic).type("form").send({ token: "no-such-token" });
      assert.equal(unknown.status, 200);
      const missing = await app.request.post("/token/revocation").set("Authorization", basic).type("form").send({});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, "invalid_request");
    });

    test("userinfo with a bad token: 401 invalid_token with WWW-Authenticate", async () => {
      const res = await app.request.get("/me").set("Authorization", "Bearer nonsense");
      assert.equal(res.status, 401);
      assert.equal(res.body.error, "invalid_token");
      assert.match(String(res.headers["www-authenticate"]), /Bearer/);
    });

    test("authorization errors are audited", async () => {
      await app.request.get("/auth?client_id=nobody&response_type=code&scope=openid").redirects(0);
      for (let i = 0; i < 50; i++) {
        const events = await app.t.services.audit.query({ action: "oidc.authorization" });
        if (events.some((e) => e.outcome === "failure" && (e.details as { error?: string }).error === "invalid_client")) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail("no audited authorization failure");
    });

    test("withdrawing another user's consent changes nothing and is audited as a failure", async () => {
      await codeFlow(app, { username: "alice" });
      const [grant] = await app.t.services.oidc.consents.list((await app.t.services.directory.findUserByUsername("alice"))!.id);
      assert.ok(grant);
      const bob = await login(app.request, "bob");
      const home = await bob.get("/");
      const res = await bob.post(`/account/consents/${encodeURIComponent(grant.grantId)}/revoke`, { _csrf: csrfFrom(home.text) }, { Origin: app.base });
      assert.equal(res.status, 303);
      const still = await app.t.services.oidc.consents.list((await app.t.services.directory.findUserByUsername("alice"))!.id);
      assert.ok(still.some((c) => c.grantId === grant.grantId));
      const events = await app.t.services.audit.query({ action: "oidc.consent.revoke" });
      assert.ok(events.some((e) => e.actor === "bob" && e.outcome === "failure"));
    });

    test("machine endpoints keep a request id (header and audit), security headers and metrics", async () => {
      const posts401 = async () => Number(/http_requests_total\{method="POST",route="[^"]+",status="401"\} (\d+)/.exec((await app.request.get("/metrics")).text)?.[1] ?? 0);
      const before = await posts401();
      const res = await app.request.post("/token").set("Authorization", `Basic ${Buffer.from("demo-service:wrong").toString("base64")}`).set("X-Request-Id", "req-token-1").type("form").send({ grant_type: "client_credentials" });
      assert.equal(res.status, 401);
      assert.equal(res.headers["x-request-id"], "req-token-1");
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      const jwks = await app.request.get("/jwks");
      assert.match(String(jwks.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
      for (let i = 0; i < 50; i++) {
        const events = await app.t.services.audit.query({ action: "oidc.grant" });
        if (events.some((e) => e.requestId === "req-token-1" && e.outcome === "failure")) break;
        if (i === 49) assert.fail("no audit event carrying the request id");
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(await posts401(), before + 1, "the token request was counted");
    });

    test("the sweeper deletes expired artifacts only", async () => {
      const prisma = app.t.services.db.prisma;
      await prisma.$executeRaw`INSERT INTO oidc_artifacts (model, id, payload, expires_at) VALUES ('AccessToken', 'old-1', '{}'::jsonb, now() - interval '1 minute'), ('AccessToken', 'new-1', '{}'::jsonb, now() + interval '1 hour')`;
      const swept = await app.t.services.oidc.sweep();
      assert.ok(swept >= 1);
      const left = await prisma.$queryRaw<{ id: string }[]>`SELECT id FROM oidc_artifacts WHERE id IN ('old-1', 'new-1')`;
      assert.deepEqual(left.map((r) => r.id), ["new-1"]);
    });
  });
}

// Liveness, readiness and Prometheus metrics (README "Operations"), on both backends.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "../../helpers/db.ts";
import { startOpsApp, type OpsApp } from "./ops-app.ts";

for (const backend of testBackends()) {
  describe(`health and metrics (${backend})`, () => {
    let t: OpsApp;
    before(async () => void (t = await startOpsApp(backend)));
    after(async () => t.close());

    it("GET /healthz: 200 while the process answers", async () => {
      const res = await t.request.get("/healthz").expect(200);
      assert.match(res.headers["content-type"]!, /application\/json/);
      assert.deepEqual(res.body, { status: "ok" });
    });

    it("GET /readyz: 200 when the database answers", async () => {
      const res = await t.request.get("/readyz").expect(200);
      assert.deepEqual(res.body, { status: "ready", database: "ok" });
    });

    it("GET /metrics: Prometheus text with request counts by route pattern", async () => {
      await t.request.get("/healthz").expect(200);
      await t.request.get("/no/such/page/123").expect(404);
      const res = await t.request.get("/metrics").expect(200);
      assert.match(res.headers["content-type"]!, /^text\/plain; version=0\.0\.4/);
      assert.match(res.text, /^# TYPE http_requests_total counter$/m);
      assert.match(res.text, /^http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
      assert.match(res.text, /^# TYPE http_request_duration_seconds histogram$/m);
      assert.match(res.text, /route="unmatched",status="404"/, "unknown paths share one label (no unbounded cardinality)");
      assert.ok(!res.text.includes("/no/such/page/123"), "raw paths never become labels");
    });

    it("GET /metrics: STS calls count under /sts/, other paths below /sts stay unmatched", async () => {
      await t.request.post("/sts").type("form").send("Action=GetCallerIdentity&Version=2011-06-15").expect(403);
      await t.request.get("/sts/no-such-thing/42").expect(404);
      const res = await t.request.get("/metrics").expect(200);
      assert.match(res.text, /^http_requests_total\{method="POST",route="\/sts\/",status="403"\} \d+$/m);
      assert.match(res.text, /^http_request_duration_seconds_count\{method="POST",route="\/sts\/"\} \d+$/m);
      assert.ok(!res.text.includes("no-such-thing"));
    });

    it("metrics never expose secrets or user data", async () => {
      const res = await t.request.get("/metrics").expect(200);
      assert.ok(!/password|secret|master/i.test(res.text.replace(/^#.*$/gm, "")));
    });

    it("GET /readyz: 503 once shutdown has begun (the load balancer drains), /healthz stays 200", async () => {
      t.markShuttingDown();
      const res = await t.request.get("/readyz").expect(503);
      assert.deepEqual(res.body, { status: "shutting-down" });
      await t.request.get("/healthz").expect(200);
    });
  });
}

// Request ids (accepted from a proxy when sane, echoed, generated otherwise) and the security
// headers every response carries, pages and errors alike.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "../../helpers/db.ts";
import { startOpsApp, type OpsApp } from "./ops-app.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

for (const backend of testBackends()) {
  describe(`request ids and security headers (${backend})`, () => {
    let t: OpsApp;
    before(async () => void (t = await startOpsApp(backend)));
    after(async () => t.close());

    describe("X-Request-Id", () => {
      it("is generated (a UUID) when the request has none", async () => {
        const res = await t.request.get("/healthz").expect(200);
        assert.match(res.headers["x-request-id"]!, UUID);
      });

      it("differs between requests", async () => {
        const a = await t.request.get("/healthz");
        const b = await t.request.get("/healthz");
        assert.notEqual(a.headers["x-request-id"], b.headers["x-request-id"]);
      });

      it("echoes a sane incoming id (from a proxy)", async () => {
        const res = await t.request.get("/healthz").set("X-Request-Id", "lb-7f3a:req.42_x").expect(200);
        assert.equal(res.headers["x-request-id"], "lb-7f3a:req.42_x");
      });

      for (const bad of ["<script>alert(1)</script>", "a b", "x".repeat(129), "id\u00e9", "a;b=c"]) {
        it(`replaces an unsafe incoming id ${JSON.stringify(bad.slice(0, 20))}`, async () => {
          const res = await t.request.get("/healthz").set("X-Request-Id", bad).expect(200);
          assert.match(res.headers["x-request-id"]!, UUID);
        });
      }

      it("is the STS's request id (x-amzn-RequestId, the XML RequestId)", async () => {
        const res = await t.request.post("/sts").type("form").send("Action=GetCallerIdentity&Version=2011-06-15").set("X-Request-Id", "lb-sts-1").expect(403);
        assert.equal(res.headers["x-request-id"], "lb-sts-1");
        assert.equal(res.headers["x-amzn-requestid"], "lb-sts-1");
        assert.match(res.text, /<RequestId>lb-sts-1<\/RequestId>/);
      });

      it("appears in error bodies, so a user can quote it to support", async () => {
        const res = await t.request.get("/api/nothing-here").set("X-Request-Id", "trace-404").expect(404);
        assert.match(res.headers["content-type"]!, /application\/problem\+json/);
        assert.equal(res.body.requestId, "trace-404");
        assert.equal(res.body.status, 404);
      });
    });

    describe("security headers", () => {
      // pages, errors, and the machine endpoints that skip the per-request async context
      const paths = ["/healthz", "/login", "/no-such-page", "/api/no-such-thing", "/sts", "/sts/no-such-thing", "/.well-known/openid-configuration"];
      for (const p of paths) {
        it(`on ${p}`, async () => {
          const res = await t.request.get(p);
          const h = res.headers;
          const csp = h["content-security-policy"] ?? "";
          assert.match(csp, /default-src 'none'/);
          assert.match(csp, /frame-ancestors 'none'/);
          assert.match(csp, /form-action 'self'/);
          assert.match(csp, /base-uri 'none'/);
          assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
          assert.equal(h["x-content-type-options"], "nosniff");
          assert.equal(h["x-frame-options"], "SAMEORIGIN");
          assert.equal(h["referrer-policy"], "no-referrer");
          assert.equal(h["cross-origin-opener-policy"], "same-origin");
          assert.equal(h["x-powered-by"], undefined);
          assert.equal(h["strict-transport-security"], undefined, "no HSTS on a plain-http base URL");
        });
      }

      it("error pages carry no stack trace and no internals", async () => {
        const res = await t.request.get("/no-such-page").set("Accept", "text/html").expect(404);
        assert.match(res.headers["content-type"]!, /text\/html/);
        assert.doesNotMatch(res.text, /\n\s+at |node_modules|\.ts:\d+/);
      });
    });
  });

  describe(`HSTS with an https base URL (${backend})`, () => {
    let t: OpsApp;
    before(async () => void (t = await startOpsApp(backend, { IDP_BASE_URL: "https://idp.example.com" })));
    after(async () => t.close());

    it("sends Strict-Transport-Security", async () => {
      const res = await t.request.get("/healthz").expect(200);
      assert.match(res.headers["strict-transport-security"]!, /max-age=31536000; includeSubDomains/);
    });
  });
}

// The database goes away while the gateway runs (README "Operations"): readiness turns 503, every
// request that needs the database gets a 503 page or problem+json, never a stack trace or a hang,
// and the process keeps serving. On PostgreSQL it recovers once the database is back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "../../helpers/db.ts";
import { startOpsApp, type OpsApp } from "./ops-app.ts";

const NO_INTERNALS = /\n\s+at |node_modules|\.ts:\d+|Prisma|PGlite|ECONNRESET|SELECT /;
/** A well-formed session cookie value (43 base64url characters) that names no session. */
const SESSION = `idp_session=${"A".repeat(43)}`;

for (const backend of testBackends()) {
  describe(`database outage (${backend})`, () => {
    let t: OpsApp;
    let csrf: { token: string; cookie: string };
    before(async () => {
      t = await startOpsApp(backend);
      // a login form fetched while the database was up
      const page = await t.request.get("/login").expect(200);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      assert.ok(token, "login form has a CSRF token");
      csrf = { token, cookie: (page.headers["set-cookie"] as unknown as string[]).map((c) => c.split(";")[0]).join("; ") };
      await t.breakDatabase();
    });
    after(async () => t.close());

    it("GET /readyz: 503 JSON within about a second", async () => {
      const started = Date.now();
      const res = await t.request.get("/readyz").expect(503);
      assert.deepEqual(res.body, { status: "unavailable", database: "unreachable" });
      assert.ok(Date.now() - started < 5000);
    });

    it("a page that needs the database: 503 HTML page with Retry-After, no internals", async () => {
      const res = await t.request.get("/").set("Cookie", SESSION).set("Accept", "text/html").expect(503);
      assert.match(res.headers["content-type"]!, /text\/html/);
      assert.equal(res.headers["retry-after"], "5");
      assert.match(res.text, /Service unavailable/);
      assert.doesNotMatch(res.text, NO_INTERNALS);
    });

    it("an API request that needs the database: 503 problem+json, no internals", async () => {
      const res = await t.request.get("/api/admin/users").set("Cookie", SESSION).set("Accept", "application/json").expect(503);
      assert.match(res.headers["content-type"]!, /application\/problem\+json/);
      assert.equal(res.body.status, 503);
      assert.match(res.body.requestId, /\S/);
      assert.doesNotMatch(res.text, NO_INTERNALS);
    });

    it("a sign-in attempt: 503, not a crash and not 'wrong password'", async () => {
      const res = await t.request
        .post("/login")
        .set("Cookie", csrf.cookie)
        .type("form")
        .send({ _csrf: csrf.token, username: "alice", password: "demo-password" });
      assert.equal(res.status, 503);
      assert.doesNotMatch(res.text, NO_INTERNALS);
      assert.doesNotMatch(res.text, /Incorrect username or password/);
    });

    it("the process keeps serving what needs no database", async () => {
      await t.request.get("/healthz").expect(200);
      await t.request.get("/login").expect(200);
      const many = await Promise.all(Array.from({ length: 10 }, () => t.request.get("/").set("Cookie", SESSION)));
      assert.ok(many.every((r) => r.status === 503));
      await t.request.get("/healthz").expect(200);
    });

    if (backend === "postgres") {
      it("recovers when the database is back: /readyz 200 and sessions load again", async () => {
        t.restoreDatabase!();
        let ready = 0;
        for (let i = 0; i < 50 && ready !== 200; i++) {
          ready = (await t.request.get("/readyz")).status;
          if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
        }
        assert.equal(ready, 200);
        const res = await t.request.get("/").set("Cookie", SESSION).set("Accept", "text/html");
        assert.ok(res.status === 303 || res.status === 302, `unknown session → sign-in redirect, got ${res.status}`);
      });
    }
  });
}

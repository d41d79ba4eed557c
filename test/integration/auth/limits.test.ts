// Bad and oversized input gets a clear page (never a stack trace) and changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD, csrfFrom } from "../../helpers/browser.ts";

for (const backend of testBackends()) {
  describe(`input limits (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at [^\n]+:\d+:\d+/);

    test("a form body over 16 kB → 413 page", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login");
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: "alice", password: DEMO_PASSWORD, filler: "x".repeat(17 * 1024) });
      assert.equal(res.status, 413);
      assert.match(res.headers["content-type"]!, /text\/html/);
      assert.match(res.text, /Request too large/);
      noStack(res.text);
      assert.equal(await t.services.db.prisma.webSession.count(), 0);
    });

    test("a body just under the limit is still accepted", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login");
      const res = await b.post("/login", { _csrf: csrfFrom(page.text), username: "alice", password: DEMO_PASSWORD, filler: "x".repeat(15 * 1024) });
      assert.equal(res.status, 303);
    });

    test("a repeated field → 400 page", async () => {
      const b = new Browser(t.request);
      const page = await b.get("/login");
      const res = await b.request
        .post("/login")
        .set("Cookie", [...b.jar].map(([k, v]) => `${k}=${v}`).join("; "))
        .type("form")
        .send(`_csrf=${csrfFrom(page.text)}&username=alice&username=bob&password=x`);
      assert.equal(res.status, 400);
      assert.match(res.text, /sent more than once/);
      noStack(res.text);
    });

    test("a JSON body to a form endpoint is refused cleanly", async () => {
      const res = await t.request.post("/login").set("Content-Type", "application/json").send('{"username":"alice","password":"demo-password"}');
      assert.equal(res.status, 403);
      noStack(res.text);
    });

    test("an overlong username is answered, not looked up", async () => {
      const res = await new Browser(t.request).submit("/login", "/login", { username: "a".repeat(300), password: "x" });
      assert.equal(res.status, 400);
      assert.match(res.text, /at most 256 characters/);
    });
  });
}

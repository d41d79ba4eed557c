// Any instance sharing the database serves any step: a code issued by one instance is redeemed
// at another, refreshed there, and introspected back at the first (PostgreSQL: two app instances).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { testBackends } from "../../helpers/db.ts";
import { DEMO_PASSWORD } from "../../helpers/browser.ts";
import { codeFlow, startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";

const basic = `Basic ${Buffer.from(`demo-service:${DEMO_PASSWORD}`).toString("base64")}`;

for (const backend of testBackends().filter((b) => b === "postgres")) {
  describe(`oidc across instances (${backend})`, () => {
    let app: OidcTestApp;
    let other: Awaited<ReturnType<OidcTestApp["t"]["startAnother"]>>;
    before(async () => {
      app = await startOidcApp(backend);
      other = await app.t.startAnother();
    });
    after(async () => {
      await other.close();
      await app.close();
    });

    test("code from instance A, token and refresh at instance B, introspection at A", async () => {
      const b = supertest(other.app);
      const { tokens } = await codeFlow(app);
      const refreshed = await b.post("/token").type("form").send({ grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: "mobile-app" });
      assert.equal(refreshed.status, 200, refreshed.text);
      const cc = await b.post("/token").set("Authorization", basic).type("form").send({ grant_type: "client_credentials" });
      assert.equal(cc.status, 200);
      const info = await app.request.post("/token/introspection").set("Authorization", basic).type("form").send({ token: cc.body.access_token });
      assert.equal(info.body.active, true);
      // the refresh token rotated at B is spent at A too
      const reuse = await app.request.post("/token").type("form").send({ grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: "mobile-app" });
      assert.equal(reuse.body.error, "invalid_grant");
    });
  });
}

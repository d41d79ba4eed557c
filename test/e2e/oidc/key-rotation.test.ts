// Key rotation: tokens signed before a rotation still verify during the overlap (the retired key
// stays in the JWKS); tokens issued afterwards are signed with the new active key.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { testBackends } from "../../helpers/db.ts";
import { DEMO_PASSWORD } from "../../helpers/browser.ts";
import { codeFlow, discover, startOidcApp, verifyWithJwks, type OidcTestApp } from "../../helpers/oidc.ts";

for (const backend of testBackends()) {
  describe(`oidc key rotation (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    test("old tokens verify during overlap, new tokens use the new key", async () => {
      const keys = app.t.services.keys;
      const oldKid = keys.activeKey().kid;
      const before = await codeFlow(app);
      const adminConfig = await discover(app.base, "admin-automation", DEMO_PASSWORD);
      const resource = `${app.base}/api/admin`;
      const adminBefore = await oidc.clientCredentialsGrant(adminConfig, { scope: "admin", resource });

      const { active } = await keys.rotate("test");
      assert.notEqual(active, oldKid);

      const afterRotation = await codeFlow(app);
      const adminAfter = await oidc.clientCredentialsGrant(adminConfig, { scope: "admin", resource });
      assert.equal((await verifyWithJwks(app.base, afterRotation.tokens.id_token!, "mobile-app")).kid, active);
      assert.equal((await verifyWithJwks(app.base, adminAfter.access_token, resource)).kid, active);
      // issued before: still valid against the published set
      assert.equal((await verifyWithJwks(app.base, before.tokens.id_token!, "mobile-app")).kid, oldKid);
      assert.equal((await verifyWithJwks(app.base, adminBefore.access_token, resource)).kid, oldKid);
      // and a refresh token issued before the rotation keeps working, now with the new key
      const refreshed = await oidc.refreshTokenGrant(before.config, before.tokens.refresh_token!);
      assert.equal((await verifyWithJwks(app.base, refreshed.id_token!, "mobile-app")).kid, active);
    });
  });
}

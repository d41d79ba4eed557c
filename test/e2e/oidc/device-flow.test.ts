// RFC 8628 device authorization grant as a CLI uses it: openid-client starts it, the person
// approves the user code on /device (real pages: code entry, confirmation, login), the CLI polls.
// Early polls: authorization_pending, too-fast polls: slow_down, expired codes: expired_token.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { testBackends } from "../../helpers/db.ts";
import { Browser } from "../../helpers/browser.ts";
import { approveDevice, discover, formFields, startOidcApp, verifyWithJwks, type OidcTestApp } from "../../helpers/oidc.ts";
import { AWS_TAGS_CLAIM } from "../../../src/oidc/index.ts";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

for (const backend of testBackends()) {
  describe(`oidc device flow (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    const poll = (deviceCode: string) => app.request.post("/token").type("form").send({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: "idp-cli" });

    test("start with openid-client, approve on /device, poll: tokens with the AWS claims", async () => {
      const config = await discover(app.base, "idp-cli");
      const start = await oidc.initiateDeviceAuthorization(config, { scope: "openid aws offline_access" });
      assert.equal(start.verification_uri, `${app.base}/device`);
      assert.equal(start.interval, 5);
      assert.match(start.user_code, /^[A-Z]{4}-[A-Z]{4}$/);

      const pending = await poll(start.device_code);
      assert.equal(pending.status, 400);
      assert.equal(pending.body.error, "authorization_pending");
      const tooFast = await poll(start.device_code);
      assert.equal(tooFast.status, 400);
      assert.equal(tooFast.body.error, "slow_down");

      const done = await approveDevice(app, new Browser(app.request), start.user_code);
      assert.equal(done.status, 200);
      assert.match(done.text, /is now signed in/);

      const tokens = await poll(start.device_code);
      assert.equal(tokens.status, 200, tokens.text);
      const { payload } = await verifyWithJwks(app.base, tokens.body.id_token, "idp-cli");
      assert.equal(payload.sub, (await app.t.services.directory.findUserByUsername("alice"))!.id);
      assert.ok(payload[AWS_TAGS_CLAIM]);
      assert.ok(tokens.body.refresh_token);
      // the device code is single-use
      const again = await poll(start.device_code);
      assert.equal(again.status, 400);
      assert.equal(again.body.error, "invalid_grant");
    });

    test("a wrong user code is re-asked on the page; the flow stays pending", async () => {
      const config = await discover(app.base, "idp-cli");
      const start = await oidc.initiateDeviceAuthorization(config, { scope: "openid" });
      const b = new Browser(app.request);
      const page = await b.get("/device");
      const res = await b.post("/device", { ...formFields(page.text, "op.deviceInputForm"), user_code: "BCDF-GHJK" });
      assert.equal(res.status, 200);
      assert.match(res.text, /That code is not valid/);
      assert.equal((await poll(start.device_code)).body.error, "authorization_pending");
    });

    test("denying on the confirmation page: access_denied for the CLI", async () => {
      const config = await discover(app.base, "idp-cli");
      const start = await oidc.initiateDeviceAuthorization(config, { scope: "openid" });
      const b = new Browser(app.request);
      const page = await b.get("/device");
      const confirm = await b.post("/device", { ...formFields(page.text, "op.deviceInputForm"), user_code: start.user_code });
      const res = await b.post("/device", { ...formFields(confirm.text, "op.deviceConfirmForm"), abort: "yes" });
      assert.equal(res.status, 200);
      const polled = await poll(start.device_code);
      assert.equal(polled.status, 400);
      assert.equal(polled.body.error, "access_denied");
    });

    test("an expired device code: expired_token", async () => {
      const config = await discover(app.base, "idp-cli");
      const start = await oidc.initiateDeviceAuthorization(config, { scope: "openid" });
      await app.t.services.db.prisma.$executeRaw`
        UPDATE oidc_artifacts SET payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch from now())::int - 1))
        WHERE model = 'DeviceCode' AND id = ${start.device_code}`;
      const res = await poll(start.device_code);
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "expired_token");
    });

    test("device authorization by an unknown client or one without the grant", async () => {
      const unknown = await app.request.post("/device/auth").type("form").send({ client_id: "nobody", scope: "openid" });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.error, "invalid_client");
      const notAllowed = await app.request.post("/device/auth").type("form").send({ client_id: "mobile-app", scope: "openid" });
      assert.equal(notAllowed.status, 400);
      assert.equal(typeof notAllowed.body.error, "string");
    });
  });
}

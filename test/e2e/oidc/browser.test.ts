// A real browser (headless Chromium) through the code flow and RP-initiated logout: the pages
// and the redirects must work under the site's CSP (form-action 'self' is enforced on every
// redirect that follows a form submission). Needs Debian's chromium: fails under CI when missing.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { chromium, type Browser as Chromium } from "playwright-core";
import { sealClientSecret } from "../../../src/oidc/index.ts";
import { testBackends } from "../../helpers/db.ts";
import { discover, startOidcApp, verifyWithJwks, type OidcTestApp } from "../../helpers/oidc.ts";

const CHROMIUM = "/usr/bin/chromium";
const SECRET = "browser-client-secret";

for (const backend of testBackends()) {
  describe(`oidc in a real browser (${backend})`, () => {
    let app: OidcTestApp;
    let rp: Server;
    let rpBase: string;
    let browser: Chromium | undefined;
    before(async () => {
      if (!existsSync(CHROMIUM)) return;
      rp = createServer((req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(`rp ${req.url}`));
      await new Promise<void>((r) => rp.listen(0, "127.0.0.1", r));
      rpBase = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
      app = await startOidcApp(backend);
      await app.t.services.directory.createOidcClient(
        {
          clientId: "browser-rp",
          name: "Browser RP",
          firstParty: true,
          secretEnc: sealClientSecret(app.t.services.box, "browser-rp", SECRET),
          metadata: { redirect_uris: [`${rpBase}/cb`], post_logout_redirect_uris: [`${rpBase}/bye`], grant_types: ["authorization_code"], response_types: ["code"] },
        },
        "test",
      );
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    });
    after(async () => {
      await browser?.close();
      if (app) await app.close();
      if (rp) await new Promise<void>((r) => rp.close(() => r()));
    });

    test("sign in through the pages, land on the RP with a code, sign out back to the RP", async (t) => {
      if (!browser) {
        if (process.env.CI) assert.fail(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
        return t.skip("chromium is not installed");
      }
      const config = await discover(app.base, "browser-rp", SECRET);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: `${rpBase}/cb`, scope: "openid aws", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "st" });
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on("console", (m) => /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
      await page.goto(url.href);
      await page.fill("#username", "alice");
      await page.fill("#password", "demo-password");
      await Promise.all([page.waitForURL(`${rpBase}/cb?**`, { timeout: 15_000 }), page.click("button[type=submit]")]);
      assert.deepEqual(blocked, []);
      const callback = new URL(page.url());
      assert.equal(callback.searchParams.get("state"), "st");
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: "st" });
      const { payload } = await verifyWithJwks(app.base, tokens.id_token!, "browser-rp");
      assert.ok(payload["https://aws.amazon.com/tags"]);

      await page.goto(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${rpBase}/bye` }).href);
      await Promise.all([page.waitForURL(`${rpBase}/bye**`, { timeout: 15_000 }), page.click("button[name=logout]")]);
      assert.deepEqual(blocked, []);
      await page.goto(`${app.base}/`);
      assert.match(page.url(), /\/login/, "the web session ended too");
      await page.close();
    });
  });
}

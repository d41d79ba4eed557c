// A real browser (headless Chromium) through the whole AWS flow, keyboard only: IdP-initiated SSO →
// login → the auto-submitting POST page (CSP allows exactly the ACS origin and our own script) →
// the local AWS sign-in's role chooser → credentials. Then the one-role launch links: from the start
// page they go straight through; started by another site, the gateway asks first. The STS is an
// in-test FederationExchange.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium, type BrowserContext } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import type { FederationExchange } from "../../src/sts/exchange.ts";

const CHROMIUM = "/usr/bin/chromium";

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("SAML in a real browser (Chromium)", () => {
  const available = existsSync(CHROMIUM);
  let t: TestApp;
  let server: Server;
  let browser: BrowserContext;
  let profileDir: string;
  let base: string;
  const calls: string[] = [];

  before(async () => {
    if (!available) {
      if (process.env.CI) throw new Error("chromium is not installed (Debian package chromium; .ci/run installs it)");
      return;
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp("pglite", { env: { IDP_BASE_URL: base } });
    const fake: FederationExchange = {
      async assumeRoleWithSAML(input) {
        calls.push(input.roleArn);
        return { credentials: { accessKeyId: "ASIABROWSERTEST0001", secretAccessKey: "s3cr3t", sessionToken: "tok", expiration: new Date(Date.now() + 3600_000) }, assumedRoleArn: `arn:aws:sts::111122223333:assumed-role/x/alice`, assumedRoleId: "AROA:alice" };
      },
      async assumeRoleWithWebIdentity() {
        throw new Error("unused");
      },
    };
    t.services.federation = fake;
    server = t.app.listen(port, "127.0.0.1");
    profileDir = await mkdtemp(path.join(os.tmpdir(), "idp-chromium-"));
    // a fresh profile directory per run (launchPersistentContext is how Playwright takes one)
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await t?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  test("IdP-initiated AWS sign-in by keyboard: login, auto-POST, role chooser, credentials", async (tc) => {
    if (!available) return tc.skip("chromium is not installed (apt-get install -y chromium)");
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (m) => void (/Content Security Policy|Refused to/.test(m.text()) && violations.push(m.text())));
    await page.goto(`${base}/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}`);
    assert.match(page.url(), /\/login\?return_to=/);
    // keyboard only: the login page autofocuses the username field; wait until it has the focus
    // (typing earlier, while a slow machine is still applying autofocus, would type into nothing)
    await page.waitForFunction(() => document.activeElement?.getAttribute("name") === "username");
    await page.keyboard.type("alice");
    await page.keyboard.press("Tab");
    await page.keyboard.type("demo-password");
    await page.keyboard.press("Enter");
    // the POST page submits itself; we land on the role chooser of /aws/saml
    await page.waitForURL(`${base}/aws/saml`);
    await page.getByRole("heading", { name: "Select a role" }).waitFor();
    const first = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value);
    assert.match(String(first), /role\/Engineer$/, "the first role has focus");
    await page.keyboard.press("ArrowDown"); // radio group: moves focus and selection to ReadOnly
    await page.keyboard.press("Enter"); // submits the form
    await page.waitForURL(`${base}/aws/saml/assume`);
    const text = await page.locator("main").innerText();
    assert.match(text, /export AWS_ACCESS_KEY_ID=ASIABROWSERTEST0001/);
    assert.match(text, /aws_session_token = tok/);
    assert.deepEqual(calls, ["arn:aws:iam::111122223333:role/ReadOnly"]);
    assert.deepEqual(violations, []);
  });

  test("one-role launch links: straight through from the start page; from another site, only after Continue", async (tc) => {
    if (!available) return tc.skip("chromium is not installed (apt-get install -y chromium)");
    const page = await browser.newPage(); // the same browser profile: alice is still signed in
    calls.length = 0;
    await page.goto(`${base}/`);
    await page.getByRole("list", { name: /as$/ }).getByRole("link", { name: "ReadOnly" }).click();
    await page.waitForURL(`${base}/aws/saml`); // one role: the local AWS sign-in assumes it at once
    assert.match(await page.locator("main").innerText(), /export AWS_ACCESS_KEY_ID=ASIABROWSERTEST0001/);
    assert.deepEqual(calls, ["arn:aws:iam::111122223333:role/ReadOnly"]);

    // another site (localhost is a different site from 127.0.0.1) links to a launch URL
    const launch = `${base}/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}&role=${encodeURIComponent("arn:aws:iam::111122223333:role/Engineer")}`;
    const elsewhere = createHttpServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(`<a href="${launch.replace(/&/g, "&amp;")}">open</a>`));
    await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
    try {
      calls.length = 0;
      await page.goto(`http://localhost:${(elsewhere.address() as AddressInfo).port}/`);
      await page.getByRole("link", { name: "open" }).click();
      await page.getByRole("heading", { name: /^Sign in to .+\?$/ }).waitFor();
      assert.match(await page.locator("main").innerText(), /as arn:aws:iam::111122223333:role\/Engineer/);
      assert.deepEqual(calls, [], "nothing was posted to the SP yet");
      await page.getByRole("link", { name: /^Continue to / }).click();
      await page.waitForURL(`${base}/aws/saml`);
      assert.deepEqual(calls, ["arn:aws:iam::111122223333:role/Engineer"]);
    } finally {
      await new Promise((r) => elsewhere.close(r));
      await page.close();
    }
  });
});

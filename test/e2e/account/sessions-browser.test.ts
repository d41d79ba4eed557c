// /account/sessions in headless Chromium (Debian `chromium` + playwright-core): bob signs in from
// two browsers (two contexts with different user agents), opens Sessions from the top bar, sees
// both with this one marked, signs the other out (it is sent to the login page on its next visit),
// then signs out everywhere. No CSP violation or script error on the way. Screenshot in
// test-artifacts/account/ (gitignored).
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../helpers/browser.ts";
import { requireChromium, startChromiumApp, type ChromiumApp } from "../../helpers/chromium.ts";
import { CHROME_WINDOWS, FIREFOX_LINUX } from "../../integration/auth/support.ts";

const ARTIFACTS = new URL("../../../test-artifacts/account/", import.meta.url).pathname;

describe("sessions page in Chromium", () => {
  let app: ChromiumApp | undefined;
  let base: string;
  const problems: string[] = [];

  before(async () => {
    app = await startChromiumApp();
    base = app?.base ?? "";
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(() => app?.close());

  async function signIn(username: string, userAgent: string): Promise<Page> {
    const page = await (await app!.browser.newContext({ userAgent })).newPage();
    // the browser's own /favicon.ico probe is a 404 by design; anything else is a finding
    page.on("console", (m) => m.type() === "error" && !m.location().url.endsWith("/favicon.ico") && problems.push(`${m.text()} (${m.location().url})`));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${base}/login`);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/`);
    return page;
  }

  test("see both sessions, sign the other out, then sign out everywhere", async (ctx) => {
    if (!requireChromium(app, ctx)) return;
    const other = await signIn("bob", CHROME_WINDOWS);
    const page = await signIn("bob", FIREFOX_LINUX);

    await page.getByRole("link", { name: "Sessions" }).click();
    await page.waitForURL(`${base}/account/sessions`);
    await assert.doesNotReject(page.getByRole("heading", { name: "Your sessions" }).waitFor());
    const rows = page.locator("#sessions tbody tr");
    assert.equal(await rows.count(), 2);
    assert.match(await page.locator('#sessions tr[aria-current="true"]').innerText(), /Firefox 128 on Linux\s+this session/);
    assert.equal(await page.getByRole("button", { name: /^Sign out Chrome 126 on Windows/ }).count(), 1);
    assert.equal(await page.getByRole("button", { name: /^Sign out Firefox/ }).count(), 0, "no per-row button for this session");
    await page.screenshot({ path: `${ARTIFACTS}sessions.png`, fullPage: true });

    await page.getByRole("button", { name: /^Sign out Chrome 126 on Windows/ }).click();
    await page.waitForURL(`${base}/account/sessions?done=ended`);
    await assert.doesNotReject(page.getByRole("status").filter({ hasText: "That session is signed out." }).waitFor());
    assert.equal(await rows.count(), 1);

    await other.reload();
    assert.equal(new URL(other.url()).pathname, "/login", "the other browser is signed out");

    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.waitForURL(`${base}/login?signed_out=everywhere`);
    await assert.doesNotReject(page.getByText("You have signed out everywhere").waitFor());
    await page.goto(`${base}/account/sessions`);
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.deepEqual(problems, [], "no CSP violations or script errors");
  });
});

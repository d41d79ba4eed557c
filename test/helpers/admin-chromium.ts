// The admin UI in headless Chromium (Debian `chromium` + playwright-core) for e2e tests: an app on
// a loopback port, a browser, sign-in through the real login page, full-page screenshots into
// test-artifacts/admin/ (gitignored). Without Chromium the suite skips, except under CI.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { TestContext } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { startTestApp, type TestApp } from "./app.ts";
import { DEMO_PASSWORD } from "./browser.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = new URL("../../test-artifacts/admin/", import.meta.url).pathname;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface AdminChromium {
  t: TestApp;
  base: string;
  signIn(username: string): Promise<Page>;
  shot(page: Page, name: string): Promise<Buffer>;
  close(): Promise<void>;
}

export const chromiumMissing = (): boolean => !existsSync(CHROMIUM);

/** Call first in each test: skips it without Chromium (fails under CI); true when skipped. */
export function skipWithoutChromium(ctx: TestContext): boolean {
  if (!chromiumMissing()) return false;
  if (process.env.CI) assert.fail(`chromium is required under CI (apt-get install -y chromium); not found at ${CHROMIUM}`);
  ctx.skip(`chromium not installed at ${CHROMIUM}`);
  return true;
}

export async function startAdminChromium(): Promise<AdminChromium> {
  const t = await startTestApp("pglite");
  const server: Server = t.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    t,
    base,
    async signIn(username) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${base}/admin`);
      assert.match(page.url(), /\/login\?return_to=%2Fadmin$/);
      await page.getByLabel("Username").fill(username);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => !u.pathname.startsWith("/login"));
      return page;
    },
    shot: (page, name) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true }),
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}

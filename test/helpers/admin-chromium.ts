// The admin UI in headless Chromium for e2e tests: the shared test app + browser of chromium.ts,
// sign-in through the real login page, full-page screenshots into test-artifacts/admin/
// (gitignored). Without Chromium the suite skips, except under CI.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { TestContext } from "node:test";
import type { Page } from "playwright-core";
import type { TestApp } from "./app.ts";
import { DEMO_PASSWORD } from "./browser.ts";
import { CHROMIUM, skipForMissingChromium, startChromiumApp } from "./chromium.ts";

const ARTIFACTS = new URL("../../test-artifacts/admin/", import.meta.url).pathname;

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
  skipForMissingChromium(ctx);
  return true;
}

export async function startAdminChromium(): Promise<AdminChromium> {
  const app = await startChromiumApp();
  if (!app) throw new Error(`chromium not installed at ${CHROMIUM}`);
  const { t, base, browser } = app;
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
    close: () => app.close(),
  };
}

// Headless Chromium (Debian's `chromium` + playwright-core) against a test app listening on a
// loopback port, for the suites that check pages in a real browser. Without the binary a test is
// skipped on a workstation and fails under CI (`requireChromium`).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { startTestApp, type TestApp } from "./app.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface ChromiumApp {
  t: TestApp;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** A PGlite test app on a free port and a launched Chromium; undefined when Chromium is missing. */
export async function startChromiumApp(): Promise<ChromiumApp | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const t = await startTestApp("pglite");
  const server = t.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    t,
    base,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}

/** First line of a Chromium test: false (and skipped, or failed under CI) when there is no browser. */
export function requireChromium(app: ChromiumApp | undefined, ctx: TestContext): app is ChromiumApp {
  if (app) return true;
  skipForMissingChromium(ctx);
  return false;
}

/** Skips the test on a workstation without Chromium; under CI a missing browser is a failure. */
export function skipForMissingChromium(ctx: TestContext): void {
  if (process.env.CI) assert.fail(`chromium is required under CI (apt-get install -y chromium); not found at ${CHROMIUM}`);
  ctx.skip(`chromium not installed at ${CHROMIUM}`);
}

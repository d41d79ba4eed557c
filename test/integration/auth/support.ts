// Small helpers shared by the auth suites (not a test file itself).
import { createHash } from "node:crypto";
import type { TestApp } from "../../helpers/app.ts";
import { DEMO_PASSWORD, type Browser } from "../../helpers/browser.ts";

export function sessionRowId(b: Browser): string {
  const v = b.session;
  if (!v) throw new Error("the browser holds no session cookie");
  return createHash("sha256").update(v).digest("hex");
}

export async function sessionRow(t: TestApp, b: Browser) {
  return t.services.db.prisma.webSession.findUnique({ where: { idHash: sessionRowId(b) } });
}

export async function auditActions(t: TestApp, prefix: string) {
  return t.services.audit.query({ action: prefix, limit: 1000 });
}

/** A distinct client address per call (the suites run with IDP_TRUST_PROXY=true). */
export function ipSource(prefix: string) {
  let n = 0;
  return () => ({ "X-Forwarded-For": `${prefix}.${++n % 250}` });
}

/** The TOTP key as the enrolment page prints it (groups of four). */
export function secretFrom(html: string): string {
  const m = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!m) throw new Error("no TOTP key on the page");
  return m[1]!.replace(/ /g, "");
}

export function recoveryCodesFrom(html: string): string[] {
  return [...html.matchAll(/<li><code>([0-9a-z-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
}

export const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
export const CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/** A fresh user with the demo password and no groups (each test its own, so counts are exact). */
export async function newUser(t: TestApp, username: string) {
  return t.services.directory.createUser({ username, password: DEMO_PASSWORD }, "test");
}

/** The opaque handles of the "Sign out" forms on a sessions page. */
export function sessionHandles(html: string): string[] {
  return [...html.matchAll(/name="session" value="([^"]+)"/g)].map((m) => m[1]!);
}

// Small helpers shared by the auth suites (not a test file itself).
import { createHash } from "node:crypto";
import type { TestApp } from "../../helpers/app.ts";
import type { Browser } from "../../helpers/browser.ts";

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

// What the upstream sign-in suites (OIDC and SAML) read on the downstream gateway: row counts that
// must not move on a refusal, who a browser is signed in as, and the last login.failure's details.
import type { Browser } from "./browser.ts";
import type { OidcTestApp } from "./oidc.ts";

export function downstreamProbe(down: () => OidcTestApp) {
  const prisma = () => down().t.services.db.prisma;
  return {
    counts: async () => ({ users: await prisma().user.count(), links: await prisma().upstreamLink.count(), sessions: await prisma().webSession.count() }),
    async signedInAs(b: Browser): Promise<string | undefined> {
      const sid = b.session;
      return sid ? (await down().t.services.auth.sessions.load(sid))?.user.username : undefined;
    },
    async lastFailure(): Promise<Record<string, unknown>> {
      const e = await prisma().auditEvent.findFirst({ where: { action: "login.failure" }, orderBy: { id: "desc" } });
      return e!.details as Record<string, unknown>;
    },
  };
}

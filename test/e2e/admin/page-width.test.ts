// Every admin page fits the window, in headless Chromium: with realistic data (STS sessions with
// long role ARNs, session names, source identities and six tags; a user with a long e-mail in
// several groups; audit events with long targets; a retired signing key; an upstream IdP with a
// long issuer), each page reachable from the admin menu and one detail page of each kind is
// opened at 1280×800 and at 1024×800, and the page must not scroll sideways. At 1280 no table may
// need a scroll container either; at 1024 one may (the page itself still must not scroll).
// Failures name the page and its width. Screenshots: test-artifacts/admin/width-<px>-<page>.png.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_SAML_PROVIDER_ARN, demoTrustPolicy } from "../../../src/seed/demo-data.ts";
import type { JsonObject } from "../../../src/directory/index.ts";
import { chromiumMissing, skipWithoutChromium, startAdminChromium, type AdminChromium } from "../../helpers/admin-chromium.ts";
import { ENGINEER, READONLY, aliceIdentity, mintIdToken, mintSamlResponse, samlCall, webIdentityCall } from "../../helpers/sts.ts";

const LONG_ROLE = "arn:aws:iam::111122223333:role/platform/data-engineering/DataPlatformPipelineOperatorsBreakGlass";
const TAGS = {
  Department: "platform-engineering",
  CostCenter: "CC-4711-DataPlatform",
  Project: "customer-analytics-pipeline-migration",
  Team: "data-platform-operators",
  Environment: "production-eu-central-1",
  Owner: "priya.ramanathan-okonkwo@platform-engineering.example.com",
};

/** Realistic long values where a fresh demo database would leave a page short or empty. */
async function seed(ui: AdminChromium): Promise<void> {
  const s = ui.t.services;
  const actor = "admin";
  const role = await s.directory.createRole(
    { arn: LONG_ROLE, samlProviderArn: DEMO_SAML_PROVIDER_ARN, maxSessionDuration: 3600 * 4, trustPolicy: demoTrustPolicy(s.config.baseUrl) as JsonObject, description: "Break-glass access to the data platform's production pipelines" },
    actor,
  );
  const group = await s.directory.createGroup({ name: "data-platform-pipeline-operators", description: "On-call operators of the customer analytics pipelines in every production region" }, actor);
  await s.directory.mapGroupToRole({ groupId: group.id, roleId: role.id, sessionDuration: 7200 }, actor);
  const groups = (await s.db.prisma.group.findMany()).map((g) => g.id);
  await s.directory.createUser(
    { username: "priya.ramanathan-okonkwo", displayName: "Priya Ramanathan-Okonkwo", email: "priya.ramanathan-okonkwo@platform-engineering.example.com", attributes: { department: "platform-engineering", costCenter: "CC-4711-DataPlatform" }, groupIds: groups },
    actor,
  );

  const base = s.config.baseUrl;
  const roles = [ENGINEER, READONLY, LONG_ROLE].map((roleArn) => ({ roleArn, providerArn: DEMO_SAML_PROVIDER_ARN, maxSessionDuration: 3600 }));
  for (const [i, roleArn] of [LONG_ROLE, LONG_ROLE, ENGINEER, READONLY, LONG_ROLE].entries()) {
    const identity = aliceIdentity(base, {
      roles,
      roleSessionName: `priya.ramanathan-okonkwo@platform-engineering.example.com-${i}`,
      sourceIdentity: `priya.ramanathan-okonkwo@platform-engineering.example.com`,
      principalTags: TAGS,
      transitiveTagKeys: ["CostCenter", "Project"],
    });
    const reply = await samlCall(ui.t.request, mintSamlResponse(s, { identity }), roleArn);
    assert.equal(reply.status, 200, reply.text);
  }
  const web = await webIdentityCall(ui.t.request, await mintIdToken(s), ENGINEER, { RoleSessionName: "ci-deploy-customer-analytics-pipeline-eu-central-1-run-88412" });
  assert.equal(web.status, 200, web.text);

  await s.upstream.idps.add(
    { slug: "platform-workforce-sso-eu", displayName: "Platform Engineering Workforce SSO", issuer: "https://login.platform-engineering.example.com/realms/workforce-identity-production-eu-central-1", clientId: "idp-gateway-production-eu-central-1-customer-analytics", clientSecret: "not-shown", scopes: ["openid", "profile", "email", "offline_access", "groups"] },
    actor,
  );
  await s.keys.rotate(actor); // a retired key fills the keys table's last timestamp column
  await s.audit.record({ actor: "client:admin-automation", action: "sts.revoke.older-sessions", target: LONG_ROLE, outcome: "success", sourceIp: "2001:db8:85a3:8d3:1319:8a2e:370:7348", details: { before: new Date().toISOString() } });
  await s.audit.record({ actor: "priya.ramanathan-okonkwo@platform-engineering.example.com", action: "login.password", target: "priya.ramanathan-okonkwo@platform-engineering.example.com", outcome: "failure", sourceIp: "198.51.100.23" });
}

/** The admin pages: every menu entry, a filtered-in-full STS list, a preview result, one detail page of each kind. */
async function adminPages(page: Page, base: string): Promise<[string, string][]> {
  await page.goto(`${base}/admin`);
  const menu = await page.locator("nav.admin-nav a").evaluateAll((as) => as.map((a) => [a.textContent!.trim(), a.getAttribute("href")!] as [string, string]));
  const pages: [string, string][] = [...menu, ["STS sessions, all", "/admin/sts-sessions?all=1"], ["Effective access, result", `/admin/preview?user=priya.ramanathan-okonkwo&target=${encodeURIComponent("saml:urn:amazon:webservices")}&role=${encodeURIComponent(LONG_ROLE)}`]];
  for (const kind of ["users", "groups", "roles", "sps", "clients", "providers", "upstreams"]) {
    await page.goto(`${base}/admin/${kind}`);
    const links = await page.locator(`main a[href^="/admin/${kind}/"]`).evaluateAll((as) => as.map((a) => [a.textContent!.trim(), a.getAttribute("href")!] as [string, string]));
    assert.ok(links.length > 0, `/admin/${kind} links to no detail page`);
    // the one with the longest name (the seeded user, group and role): the hardest to fit
    const [name, href] = links.reduce((a, b) => (b[0].length > a[0].length ? b : a));
    pages.push([`${kind} detail ${name}`, href]);
  }
  return pages;
}

interface Width {
  page: number;
  window: number;
  /** scroll containers (other than <pre>) whose content is wider than they are */
  scrollers: string[];
}

const measure = (page: Page): Promise<Width> =>
  page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
    scrollers: Array.from(document.querySelectorAll("main *"))
      .filter((e) => e.tagName !== "PRE" && ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${Array.from(e.classList).join(".")}`),
  }));

describe("admin pages fit the window", () => {
  let ui: AdminChromium;

  before(async () => {
    if (chromiumMissing()) return;
    ui = await startAdminChromium();
    await seed(ui);
  });
  after(async () => {
    await ui?.close();
  });

  test("no admin page scrolls sideways at 1280 px (nor at 1024 px)", async (ctx) => {
    if (skipWithoutChromium(ctx)) return;
    const page = await ui.signIn("admin");
    const pages = await adminPages(page, ui.base);
    const problems: string[] = [];
    for (const [width, strict] of [[1280, true], [1024, false]] as const) {
      await page.setViewportSize({ width, height: 800 });
      for (const [name, path] of pages) {
        const res = await page.goto(`${ui.base}${path}`);
        assert.equal(res?.status(), 200, `${name} (${path}) answered ${res?.status()}`);
        const w = await measure(page);
        if (w.page > w.window) problems.push(`${name} (${path}) at ${width} px: page is ${w.page} px wide`);
        if (strict && w.scrollers.length) problems.push(`${name} (${path}) at ${width} px: ${w.scrollers.join(", ")} scrolls sideways`);
        await ui.shot(page, `width-${width}-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`);
      }
      // an opened revoke step (its consequence text sits in the Action column) must fit too
      await page.goto(`${ui.base}/admin/sts-sessions`);
      await page.locator("#sts-sessions details.confirm > summary").first().click();
      const w = await measure(page);
      if (w.page > w.window) problems.push(`STS sessions with a revoke step open at ${width} px: page is ${w.page} px wide`);
      await ui.shot(page, `width-${width}-sts-sessions-revoke-open`);
    }
    assert.deepEqual(problems, [], `too wide:\n${problems.join("\n")}`);
  });
});

// The admin UI in headless Chromium (Debian `chromium` + playwright-core): an admin signs in,
// creates a group, adds bob with the keyboard, maps the group to a role in the matrix, and the
// effective-access preview for bob — identity, SAML attributes, ID-token claims, trust decision —
// then carries that role; a non-admin is refused. Screenshots of the main pages go to
// test-artifacts/admin/ (gitignored).
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../helpers/browser.ts";
import { requireChromium, startChromiumApp, type ChromiumApp } from "../../helpers/chromium.ts";

const ARTIFACTS = new URL("../../../test-artifacts/admin/", import.meta.url).pathname;
const ROLE = "arn:aws:iam::111122223333:role/ReadOnly";

describe("admin UI in Chromium", () => {
  let app: ChromiumApp | undefined;
  let base: string;

  before(async () => {
    app = await startChromiumApp();
    base = app?.base ?? "";
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(() => app?.close());

  async function signIn(username: string): Promise<Page> {
    const page = await (await app!.browser.newContext()).newPage();
    await page.goto(`${base}/admin`);
    assert.match(page.url(), /\/login\?return_to=%2Fadmin$/);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

  test("admin: group → bob → matrix → preview carries the role", async (ctx) => {
    if (!requireChromium(app, ctx)) return;
    const page = await signIn("admin");
    await page.waitForURL(`${base}/admin`);
    await shot(page, "dashboard");

    // create a group
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Groups" }).click();
    await page.getByLabel("Name", { exact: true }).fill("auditing");
    await page.getByLabel("Description").fill("Audit team");
    await page.getByRole("button", { name: "Create group" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Group auditing" }).waitFor());
    await shot(page, "group");

    // add bob, using the keyboard on the checkbox
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Users" }).click();
    await shot(page, "users");
    await page.getByRole("link", { name: "bob", exact: true }).click();
    const box = page.getByRole("checkbox", { name: "auditing" });
    await box.focus();
    await page.keyboard.press("Space");
    assert.equal(await box.isChecked(), true);
    await page.getByRole("button", { name: "Save groups" }).click();
    await page.waitForLoadState("domcontentloaded");
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    assert.equal(await page.getByRole("checkbox", { name: "auditing" }).isChecked(), true);
    await shot(page, "user");

    // map the group to ReadOnly in the matrix
    await page.getByRole("link", { name: "Group → role mapping" }).click();
    await page.getByRole("button", { name: "Map auditing → 111122223333 / ReadOnly" }).click();
    await page.getByRole("status").filter({ hasText: "Mapping added." }).waitFor();
    await assert.doesNotReject(page.getByRole("button", { name: "Remove mapping auditing → 111122223333 / ReadOnly" }).waitFor());
    await shot(page, "mappings");

    // the preview for bob: SAML to AWS
    await page.getByRole("link", { name: "Effective access" }).click();
    await page.getByLabel("User (username)").fill("bob");
    await page.getByLabel("App").selectOption("saml:urn:amazon:webservices");
    await page.getByRole("button", { name: "Show" }).click();
    const roles = await page.locator("#preview-roles").innerText();
    assert.match(roles, /role\/ReadOnly/);
    assert.match(roles, /role\/Finance/);
    const saml = JSON.parse(await page.locator("#preview-saml").innerText()) as { name: string; values: string[] }[];
    const roleAttr = saml.find((a) => a.name === "https://aws.amazon.com/SAML/Attributes/Role")!;
    assert.ok(roleAttr.values.includes(`${ROLE},arn:aws:iam::111122223333:saml-provider/idp-gateway`));

    // the trust decision for that role
    await page.getByLabel("Trust-policy check for role").selectOption(ROLE);
    await page.getByRole("button", { name: "Show" }).click();
    assert.equal(await page.locator("#preview-decision strong").innerText(), "Allow");
    assert.match(await page.locator("main").innerText(), /Decided by: trust policy statement 0 \(Sid SamlFederation\): Allow/);
    await shot(page, "preview");

    // the ID-token claims for the mobile app
    await page.getByLabel("App").selectOption("oidc:mobile-app");
    await page.getByLabel("Trust-policy check for role").selectOption("");
    await page.getByRole("button", { name: "Show" }).click();
    const claims = JSON.parse(await page.locator("#preview-oidc").innerText()) as { roles: string[] };
    assert.ok(claims.roles.includes(ROLE));

    for (const [link, name] of [["Roles", "roles"], ["SAML apps", "sps"], ["OIDC clients", "clients"], ["STS sessions", "sts-sessions"], ["Audit log", "audit"], ["Signing keys", "keys"]] as const) {
      await page.getByRole("link", { name: link, exact: true }).click();
      await shot(page, name);
    }
    assert.match(await page.locator("main").innerText(), /active/);
  });

  test("a non-admin is refused", async (ctx) => {
    if (!requireChromium(app, ctx)) return;
    const page = await signIn("bob");
    const res = await page.goto(`${base}/admin/mappings`);
    assert.equal(res?.status(), 403);
    assert.match(await page.locator("main").innerText(), /Only administrators can open the admin pages/);
    await shot(page, "refused");
  });
});

// Confirmation steps before destructive admin actions, in headless Chromium: the real submit
// button ("Delete <name>", "Revoke <key>") stays hidden until its <details> step is opened (by
// keyboard for the user, by mouse for the STS session), opening shows what the action does, and
// submitting really deletes or revokes. "Revoke older sessions" keeps its field behind the step
// and shows the step open again next to a validation error. Screenshots: test-artifacts/admin/.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chromiumMissing, skipWithoutChromium, startAdminChromium, type AdminChromium } from "../../helpers/admin-chromium.ts";
import { ENGINEER, mintIdToken, webIdentityCall } from "../../helpers/sts.ts";

describe("admin confirmation steps in Chromium", () => {
  let ui: AdminChromium;

  before(async () => {
    if (chromiumMissing()) return;
    ui = await startAdminChromium();
  });
  after(async () => {
    await ui?.close();
  });

  test("deleting a user: hidden button, consequence, then the user is gone", async (ctx) => {
    if (skipWithoutChromium(ctx)) return;
    const page = await ui.signIn("admin");
    await page.goto(`${ui.base}/admin/users`);
    await page.getByLabel("Username", { exact: true }).fill("temp-contractor");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("heading", { name: "User temp-contractor" }).waitFor();

    const submit = page.getByRole("button", { name: "Delete temp-contractor", exact: true });
    const consequence = page.getByText("temp-contractor loses their group memberships and recovery codes");
    assert.equal(await submit.isVisible(), false, "the real delete button is hidden while the step is closed");
    assert.equal(await consequence.isVisible(), false);

    // open the step with the keyboard: the summary is focusable and Enter toggles it
    const summary = page.locator("details.confirm > summary", { hasText: "Delete user…" });
    await summary.focus();
    await page.keyboard.press("Enter");
    await submit.waitFor({ state: "visible" });
    assert.equal(await consequence.isVisible(), true);
    assert.match(await consequence.innerText(), /signed out of this gateway at once, and every app grant is revoked with its refresh and access tokens; STS credentials already issued to them last until they expire\.$/);
    await ui.shot(page, "confirm-user");

    await submit.click();
    await page.waitForURL(`${ui.base}/admin/users?notice=deleted`);
    await page.getByRole("status").filter({ hasText: "Deleted." }).waitFor();
    assert.equal(await page.getByRole("link", { name: "temp-contractor", exact: true }).count(), 0, "the user list no longer has them");
    assert.equal(await page.getByRole("link", { name: "bob", exact: true }).count(), 1, "the list itself is there");
    assert.equal(await ui.t.services.directory.findUserByUsername("temp-contractor"), undefined);
  });

  test("revoking one STS session: hidden button, consequence, then the session is revoked", async (ctx) => {
    if (skipWithoutChromium(ctx)) return;
    const issued = await webIdentityCall(ui.t.request, await mintIdToken(ui.t.services), ENGINEER, { RoleSessionName: "confirm-me" });
    assert.equal(issued.status, 200, issued.text);
    const key = issued.field("AccessKeyId")!;

    const page = await ui.signIn("admin");
    await page.goto(`${ui.base}/admin/sts-sessions?q=confirm-me`);
    assert.match(await page.locator("#sts-sessions tbody").innerText(), new RegExp(key));
    const submit = page.getByRole("button", { name: `Revoke ${key}`, exact: true });
    assert.equal(await submit.isVisible(), false, "the real revoke button is hidden while the step is closed");

    await page.getByLabel(`Revoke session ${key}…`).click();
    await submit.waitFor({ state: "visible" });
    assert.match(await page.locator("#sts-sessions .confirm-consequence").innerText(), new RegExp(`^Every request signed with ${key} is refused from now on, on every instance`));
    await ui.shot(page, "confirm-sts-session");

    await submit.click();
    await page.waitForURL((u) => u.pathname === "/admin/sts-sessions" && u.searchParams.get("notice") === "revokedSession");
    assert.equal(new URL(page.url()).searchParams.get("q"), "confirm-me", "back to the same filtered list");
    assert.doesNotMatch(await page.locator("#sts-sessions tbody").innerText(), new RegExp(key), "only working sessions are listed");
    const row = await ui.t.services.db.prisma.stsSession.findUniqueOrThrow({ where: { accessKeyId: key } });
    assert.ok(row.revokedAt, "the session is revoked in the database");
  });

  test("revoke older sessions: the role field is behind the step, which reopens next to an error", async (ctx) => {
    if (skipWithoutChromium(ctx)) return;
    const page = await ui.signIn("admin");
    await page.goto(`${ui.base}/admin/sts-sessions`);
    const field = page.locator("#f-roleArn");
    const submit = page.getByRole("button", { name: "Revoke this role's older sessions" });
    assert.equal(await field.isVisible(), false, "Enter in a visible field could submit past the step");
    assert.equal(await submit.isVisible(), false);

    await page.locator("details.confirm > summary", { hasText: "Revoke older sessions…" }).click();
    await field.fill("not-an-arn");
    await submit.click();
    await page.waitForLoadState("domcontentloaded");
    assert.equal(await page.locator("#f-roleArn").isVisible(), true, "the step is open again after the error");
    assert.equal(await page.locator("#f-roleArn").getAttribute("aria-invalid"), "true");
    assert.equal(await ui.t.services.db.prisma.stsRoleRevocation.count(), 0, "nothing was revoked");
    await ui.shot(page, "confirm-revoke-older");
  });
});

// Admin web pages: who gets in (admins, read-only auditors, MFA when required), CSRF on every
// form, audited writes with the acting admin, the main flows through the real forms, and the
// confirmation step in front of every destructive form (in a browser: test/e2e/admin/confirm.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, csrfFrom, inputValue, login } from "../../helpers/browser.ts";
import { totpAt } from "../../../src/auth/index.ts";
import { secretFrom } from "../auth/support.ts";
import { StsProviderStore } from "../../../src/admin/providers-store.ts";
import { ENGINEER, mintIdToken, webIdentityCall } from "../../helpers/sts.ts";

const PAGES = ["/admin", "/admin/users", "/admin/groups", "/admin/roles", "/admin/mappings", "/admin/sps", "/admin/clients", "/admin/providers", "/admin/upstreams", "/admin/sts-sessions", "/admin/keys", "/admin/audit", "/admin/preview"];

/** The markup of the POST form with this action, from its action attribute to its </form>. */
function formWith(html: string, action: string): string {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `no form posts to ${action}`);
  return html.slice(start, html.indexOf("</form>", start));
}

/** A destructive form: its one submit button is inside a closed confirmation step (views/admin/_confirm.eta), names the object and follows the consequence sentence. */
function assertConfirmed(html: string, action: string, submit: string, consequence: RegExp): void {
  const form = formWith(html, action);
  const step = /<details class="confirm"[^>]*>[\s\S]*?<\/details>/.exec(form)?.[0];
  assert.ok(step, `${action}: no confirmation step`);
  assert.doesNotMatch(step, /<details class="confirm" open>/, `${action}: the step starts closed`);
  assert.match(step, /<summary[^>]*>[^<]+…<\/summary>/);
  assert.match(step, consequence, action);
  assert.ok(step.includes(`<button type="submit" class="danger">${submit}</button>`), `${action}: the button names the object: ${submit}`);
  assert.equal(form.split('type="submit"').length - 1, 1, `${action}: no other submit button`);
}

for (const backend of testBackends()) {
  describe(`admin pages (${backend})`, () => {
    let t: TestApp;
    let admin: Browser;
    before(async () => {
      t = await startTestApp(backend);
      admin = await login(t.request, "admin");
    });
    after(() => t.close());

    const d = () => t.services.directory;
    const groupId = async (name: string) => (await d().snapshot()).groupByName.get(name)!.id;
    const lastAudit = async (action: string) => (await t.services.audit.query({ action, limit: 1 }))[0];

    test("an admin sees every page", async () => {
      for (const p of PAGES) {
        const res = await admin.get(p);
        assert.equal(res.status, 200, p);
        assert.match(res.headers["cache-control"] ?? "", /no-store/, p);
        assert.match(res.text, /aria-label="Administration"/, p);
      }
    });

    test("anonymous visitors are sent to the login page", async () => {
      const res = await new Browser(t.request).get("/admin/users");
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/login?return_to=%2Fadmin%2Fusers");
    });

    test("a non-admin is refused on every page and every form, and it is audited", async () => {
      const bob = await login(t.request, "bob");
      for (const p of PAGES) {
        const res = await bob.get(p);
        assert.equal(res.status, 403, p);
        assert.match(res.text, /Only administrators/);
      }
      const home = await bob.get("/");
      const res = await bob.post("/admin/groups", { _csrf: csrfFrom(home.text), name: "sneaky" });
      assert.equal(res.status, 403);
      assert.equal((await d().snapshot()).groupByName.get("sneaky"), undefined);
      const ev = await lastAudit("admin.access");
      assert.equal(ev?.actor, "bob");
      assert.equal(ev?.outcome, "denied");
    });

    test("an auditor reads every page but cannot write", async () => {
      const auditors = await d().createGroup({ name: "auditors" }, "test");
      const bobUser = (await d().findUserByUsername("bob"))!;
      await d().setUserGroups(bobUser.id, bobUser.version, [...bobUser.groupIds, auditors.id], "test");
      const bob = await login(t.request, "bob");
      for (const p of PAGES) assert.equal((await bob.get(p)).status, 200, p);
      const page = await bob.get("/admin/groups");
      assert.doesNotMatch(page.text, /action="\/admin\/groups"/, "no create form for auditors");
      const res = await bob.post("/admin/groups", { _csrf: csrfFrom(page.text), name: "by-auditor" });
      assert.equal(res.status, 403);
      assert.match(res.text, /Auditors can look but not change anything/);
      assert.equal((await d().snapshot()).groupByName.get("by-auditor"), undefined);
      const [ev] = await t.services.audit.query({ action: "admin.write", limit: 1 });
      assert.equal(ev?.actor, "bob");
      assert.equal(ev?.outcome, "denied");
      const b2 = (await d().findUserByUsername("bob"))!;
      await d().setUserGroups(b2.id, b2.version, b2.groupIds.filter((g) => g !== auditors.id), "test");
      await d().deleteGroup(auditors.id, auditors.version, "test");
    });

    test("every write form needs the CSRF token", async () => {
      const before = (await t.services.audit.query({ action: "csrf.failure", limit: 1000 })).length;
      for (const [path, form] of [
        ["/admin/groups", { name: "no-csrf" }],
        ["/admin/users", { username: "nocsrf" }],
        ["/admin/keys/rotate", {}],
        ["/admin/mappings", { groupId: await groupId("finance"), roleId: "x" }],
      ] as const) {
        const res = await admin.post(path, { ...form, _csrf: "wrong" });
        assert.equal(res.status, 403, path);
        assert.match(res.text, /did not come from this site/);
      }
      assert.equal((await t.services.audit.query({ action: "csrf.failure", limit: 1000 })).length, before + 4);
      assert.equal((await d().snapshot()).groupByName.get("no-csrf"), undefined);
    });

    test("create a group, add bob, map it to a role in the matrix: audited with the acting admin", async () => {
      let res = await admin.submit("/admin/groups", "/admin/groups", { name: "auditing", description: "Audit team" });
      assert.equal(res.status, 303);
      const group = (await d().snapshot()).groupByName.get("auditing")!;
      assert.equal((await lastAudit("directory.group.create"))?.actor, "admin");

      const bob = (await d().findUserByUsername("bob"))!;
      const page = await admin.get(`/admin/users/${bob.id}`);
      assert.match(page.text, new RegExp(`name="groupIds" value="${group.id}"`), "a checkbox submits the group's id");
      res = await admin.post(`/admin/users/${bob.id}/groups`, { _csrf: csrfFrom(page.text), version: inputValue(page.text, "version")!, groupIds: [...bob.groupIds, group.id] as never });
      assert.equal(res.status, 303);
      assert.deepEqual([...(await d().findUserByUsername("bob"))!.groupIds].sort(), [...bob.groupIds, group.id].sort());

      const role = (await d().snapshot()).roleByArn.get("arn:aws:iam::111122223333:role/ReadOnly")!;
      res = await admin.submit("/admin/mappings", "/admin/mappings", { groupId: group.id, roleId: role.id });
      assert.equal(res.status, 303);
      const ev = await lastAudit("directory.mapping.create");
      assert.equal(ev?.actor, "admin");
      assert.equal((ev?.details as { group: string }).group, "auditing");

      const preview = await admin.get(`/admin/preview?user=bob&target=${encodeURIComponent("saml:urn:amazon:webservices")}`);
      assert.match(preview.text, /<ul id="preview-roles">[\s\S]*role\/ReadOnly/);

      // session cap on the cell, then unmap
      const matrix = await admin.get("/admin/mappings");
      const mapping = (await d().snapshot()).mappings.find((m) => m.groupId === group.id && m.roleId === role.id)!;
      res = await admin.post("/admin/mappings/cell", { _csrf: csrfFrom(matrix.text), groupId: group.id, roleId: role.id, version: String(mapping.version), sessionDuration: "1800", op: "save" });
      assert.equal(res.status, 303);
      assert.equal((await d().snapshot()).mappings.find((m) => m.id === mapping.id)!.sessionDuration, 1800);
      res = await admin.post("/admin/mappings/cell", { _csrf: csrfFrom(matrix.text), groupId: group.id, roleId: role.id, version: "2", op: "remove" });
      assert.equal(res.status, 303);
      assert.equal((await d().snapshot()).mappings.some((m) => m.id === mapping.id), false);
    });

    test("users: create with validation next to the fields, edit, disable ends sessions, reset password and MFA", async () => {
      let res = await admin.submit("/admin/users", "/admin/users", { username: "bad name!", email: "nope", attributes: "{not json" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-attributes-error"/);
      assert.match(res.text, /value="bad name!"/, "what was typed is kept");
      res = await admin.submit("/admin/users", "/admin/users", { username: "carol", email: "carol@example.com", password: "carol-password", attributes: '{"department":"sales"}' });
      assert.equal(res.status, 303);
      const carol = (await d().findUserByUsername("carol"))!;
      assert.equal(carol.attributes.department, "sales");
      const session = await login(t.request, "carol", "carol-password");
      assert.equal((await session.get("/")).status, 200);

      let page = await admin.get(`/admin/users/${carol.id}`);
      res = await admin.post(`/admin/users/${carol.id}/disabled`, { _csrf: csrfFrom(page.text), version: String(carol.version), disabled: "on" });
      assert.equal(res.status, 303);
      assert.equal((await d().findUserByUsername("carol"))!.disabled, true);
      assert.equal((await session.get("/")).status, 303, "carol's session ended");
      assert.equal((await lastAudit("directory.user.disable"))?.actor, "admin");

      page = await admin.get(`/admin/users/${carol.id}`);
      res = await admin.post(`/admin/users/${carol.id}/password`, { _csrf: csrfFrom(page.text), password: "short" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-password-error"/);
      res = await admin.post(`/admin/users/${carol.id}/mfa-reset`, { _csrf: csrfFrom(page.text) });
      assert.equal(res.status, 303);
      assert.equal((await lastAudit("admin.user.mfa_reset"))?.actor, "admin");
    });

    test("group members: add and remove by username from the group page", async () => {
      const g = (await d().snapshot()).groupByName.get("engineering")!;
      let res = await admin.submit(`/admin/groups/${g.id}`, `/admin/groups/${g.id}/members`, { username: "nobody" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-username-error"/);
      res = await admin.submit(`/admin/groups/${g.id}`, `/admin/groups/${g.id}/members`, { username: "bob" });
      assert.equal(res.status, 303);
      const bob = (await d().findUserByUsername("bob"))!;
      assert.ok(bob.groupIds.includes(g.id));
      res = await admin.submit(`/admin/groups/${g.id}`, `/admin/groups/${g.id}/members`, { remove: bob.id });
      assert.equal(res.status, 303);
      assert.equal((await d().findUserByUsername("bob"))!.groupIds.includes(g.id), false);
      assert.equal((await lastAudit("directory.user.groups"))?.actor, "admin");
    });

    test("account names on the roles page: set with validation next to the field, remove; CSRF and the writer check; shown in the role chooser and on the start page", async () => {
      let res = await admin.submit("/admin/roles", "/admin/accounts", { accountId: "111122223333", alias: "Acme Prod" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-alias-error"/);
      assert.equal((await d().snapshot()).aliasByAccount.size, 0);
      res = await admin.submit("/admin/roles", "/admin/accounts", { accountId: "111122223333", alias: "acme-prod" });
      assert.equal(res.status, 303);
      assert.equal((await d().snapshot()).aliasByAccount.get("111122223333"), "acme-prod");
      assert.equal((await lastAudit("directory.account.alias"))?.actor, "admin");
      const page = await admin.get("/admin/roles");
      assert.match(page.text, /<td><code>111122223333<\/code><\/td><td>acme-prod<\/td>/);
      assert.equal((await admin.post("/admin/accounts", { _csrf: "wrong", accountId: "444455556666", alias: "acme-x" })).status, 403);
      const bob = await login(t.request, "bob");
      assert.equal((await bob.post("/admin/accounts", { _csrf: csrfFrom((await bob.get("/")).text), accountId: "444455556666", alias: "acme-x" })).status, 403);
      assert.equal((await d().snapshot()).aliasByAccount.has("444455556666"), false);

      // alice has two roles in 111122223333: the start page and the local AWS chooser name the account
      const alice = await login(t.request, "alice");
      assert.match((await alice.get("/")).text, /ReadOnly<\/a> <span class="muted small">acme-prod \(111122223333\)<\/span>/);
      const post = await alice.get(`/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}`);
      const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(post.text)![1]!;
      const chooser = await alice.post("/aws/saml", { SAMLResponse: samlResponse });
      assert.equal(chooser.status, 200);
      assert.match(chooser.text, /<legend>Account: acme-prod \(111122223333\)<\/legend>/);

      res = await admin.submit("/admin/roles", "/admin/accounts/111122223333/delete", {});
      assert.equal(res.status, 303);
      assert.equal((await d().snapshot()).aliasByAccount.size, 0);
      assert.equal((await lastAudit("directory.account.unalias"))?.actor, "admin");
    });

    test("SAML apps, OIDC clients and STS providers through their forms", async () => {
      const fin = await groupId("finance");
      let res = await admin.submit("/admin/sps", "/admin/sps", { name: "Wiki", entityId: "https://wiki.example.com", acsUrls: "https://wiki.example.com/acs\nhttps://wiki.example.com/acs2", nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", profile: "generic", accessGroupIds: fin, encryptAssertions: "on" });
      assert.equal(res.status, 303, res.text.slice(0, 300));
      const sp = (await d().snapshot()).spByEntityId.get("https://wiki.example.com")!;
      assert.deepEqual(sp.acsUrls, ["https://wiki.example.com/acs", "https://wiki.example.com/acs2"]);
      assert.deepEqual(sp.accessGroupIds, [fin]);
      assert.equal(sp.encryptAssertions, true);
      res = await admin.submit(`/admin/sps/${sp.id}`, `/admin/sps/${sp.id}`, { version: String(sp.version), name: "Wiki 2", entityId: sp.entityId, acsUrls: "ftp://nope", nameIdFormat: sp.nameIdFormat, profile: "generic" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-acsUrls-error"/);
      assert.equal((await d().snapshot()).spByEntityId.get(sp.entityId)!.name, "Wiki");

      res = await admin.submit("/admin/clients", "/admin/clients", { clientId: "spa", name: "SPA", redirectUris: "https://spa.example.com/cb", grantTypes: "authorization_code", authMethod: "none", firstParty: "on" });
      assert.equal(res.status, 303);
      const c = (await d().snapshot()).clientByClientId.get("spa")!;
      assert.equal(c.secretEnc, null);
      assert.deepEqual(c.metadata.redirect_uris, ["https://spa.example.com/cb"]);
      // turning it confidential shows a new secret once
      res = await admin.submit(`/admin/clients/${c.id}`, `/admin/clients/${c.id}`, { version: String(c.version), name: "SPA", redirectUris: "https://spa.example.com/cb", grantTypes: "authorization_code", authMethod: "client_secret_post" });
      assert.equal(res.status, 200);
      assert.match(res.text, /id="client-secret">[A-Za-z0-9_-]{43}</);
      assert.ok((await d().snapshot()).clientByClientId.get("spa")!.secretEnc);

      res = await admin.submit("/admin/providers", "/admin/providers", { arn: "arn:aws:iam::111122223333:oidc-provider/ci.example.com", issuer: "https://ci.example.com", clientIds: "sts.amazonaws.com" });
      assert.equal(res.status, 303);
      const id = /\/admin\/providers\/([0-9a-f-]{36})/.exec(res.headers.location!)![1]!;
      res = await admin.submit(`/admin/providers/${id}`, `/admin/providers/${id}`, { version: "1", issuer: "https://ci.example.com", clientIds: "" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-clientIds-error"/);
      res = await admin.submit(`/admin/providers/${id}`, `/admin/providers/${id}/delete`, { version: "1" });
      assert.equal(res.status, 303);
      assert.equal((await t.services.audit.query({ action: "sts.provider.delete", limit: 1 }))[0]?.actor, "admin");
      res = await admin.submit("/admin/providers", "/admin/providers", { arn: "arn:aws:iam::111122223333:role/NotAProvider", issuer: "x" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-arn-error"/);
    });

    test("users, groups, roles, apps, clients and providers are deleted through a step", async () => {
      const d = t.services.directory;
      const user = await d.createUser({ username: "leaving" }, "test");
      const snap = await d.snapshot();
      const group = snap.groupByName.get("engineering")!;
      const role = snap.roleByArn.get(ENGINEER)!;
      const sp = snap.spByEntityId.get("urn:amazon:webservices")!;
      const client = snap.clientByClientId.get("mobile-app")!;
      const provider = await new StsProviderStore(t.services.db.prisma, t.services.audit).create({ arn: "arn:aws:iam::111122223333:saml-provider/Partner", issuer: "urn:partner" }, "test");
      const cases: [string, string, string, RegExp][] = [
        [`/admin/users/${user.id}`, `/admin/users/${user.id}/delete`, "Delete leaving", /leaving loses their group memberships and recovery codes and is signed out/],
        [`/admin/groups/${group.id}`, `/admin/groups/${group.id}/delete`, "Delete engineering", /direct member.*; the delete is refused while the group still has role mappings/],
        [`/admin/roles/${role.id}`, `/admin/roles/${role.id}/delete`, `Delete ${ENGINEER}`, /Its group mappings are deleted with it/],
        [`/admin/sps/${sp.id}`, `/admin/sps/${sp.id}/delete`, `Delete ${sp.name}`, /can no longer sign anyone in through this IdP/],
        [`/admin/clients/${client.id}`, `/admin/clients/${client.id}/delete`, `Delete ${client.name}`, /can no longer sign anyone in, refresh tokens or call userinfo/],
        [`/admin/providers/${provider.id}`, `/admin/providers/${provider.id}/delete`, `Delete ${provider.arn}`, /AssumeRoleWithSAML through this provider is refused from now on/],
      ];
      for (const [page, action, submit, consequence] of cases) {
        const res = await admin.get(page);
        assert.equal(res.status, 200, page);
        assertConfirmed(res.text, action, submit, consequence);
      }
      // light, easily reversed actions stay one click
      const groupPage = (await admin.get(`/admin/groups/${group.id}`)).text;
      assert.doesNotMatch(formWith(groupPage, `/admin/groups/${group.id}/members`), /<details/, "removing a member is one click");
    });

    test("STS sessions: revoking one, and a role's older sessions, go through a step", async () => {
      const issued = await webIdentityCall(t.request, await mintIdToken(t.services), ENGINEER, { RoleSessionName: "stepped" });
      assert.equal(issued.status, 200, issued.text);
      const key = issued.field("AccessKeyId")!;
      const page = (await admin.get("/admin/sts-sessions?q=stepped")).text;
      assertConfirmed(page, `/admin/sts-sessions/${key}/revoke`, `Revoke ${key}`, new RegExp(`Every request signed with ${key} is refused from now on`));
      assert.match(formWith(page, `/admin/sts-sessions/${key}/revoke`), new RegExp(`<summary aria-label="Revoke session ${key}…">`));
      assertConfirmed(page, "/admin/sts-sessions/revoke-older", "Revoke this role&#39;s older sessions", /issued before now is denied every action but GetCallerIdentity/);
      // the role field is inside the step, so Enter in it cannot submit past the step
      assert.match(formWith(page, "/admin/sts-sessions/revoke-older"), /<details class="confirm">[\s\S]*id="f-roleArn"[\s\S]*<\/details>/);
    });
    test("search and paging", async () => {
      const res = await admin.get("/admin/users?q=ali");
      assert.match(res.text, />alice</);
      assert.doesNotMatch(res.text, />bob</);
      assert.match((await admin.get("/admin/users?page=999")).text, /Page 999 of 1/);
    });

    test("keys: rotate from the page", async () => {
      const before = t.services.keys.activeKey().kid;
      const res = await admin.submit("/admin/keys", "/admin/keys/rotate", {});
      assert.equal(res.status, 303);
      assert.notEqual(t.services.keys.activeKey().kid, before);
      assert.equal((await lastAudit("keys.rotate"))?.actor, "admin");
    });

    test("audit log filters", async () => {
      const res = await admin.get("/admin/audit?actor=admin&action=directory.&outcome=success");
      assert.equal(res.status, 200);
      assert.match(res.text, /directory\.group\.create/);
      assert.doesNotMatch(res.text, /login\.success/);
      const bad = await admin.get("/admin/audit?from=yesterday&outcome=maybe");
      assert.equal(bad.status, 400);
      assert.match(bad.text, /id="f-from-error"/);
      assert.match(bad.text, /id="f-outcome-error"/);
    });
  });

  describe(`admin pages with IDP_ADMIN_REQUIRE_MFA (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_ADMIN_REQUIRE_MFA: "true" } });
    });
    after(() => t.close());

    test("an admin signed in with a password only is refused", async () => {
      const admin = await login(t.request, "admin");
      const res = await admin.get("/admin");
      assert.equal(res.status, 403);
      assert.match(res.text, /two-step verification/);
      const [ev] = await t.services.audit.query({ action: "admin.access", limit: 1 });
      assert.equal((ev?.details as { reason?: string } | undefined)?.reason, "mfa_required");
    });

    test("an admin signed in with a second factor gets in", async () => {
      const first = await login(t.request, "admin");
      await first.submit("/account/mfa", "/account/mfa/setup", {});
      const page = await first.get("/account/mfa");
      const secret = secretFrom(page.text);
      const done = await first.post("/account/mfa/confirm", { _csrf: csrfFrom(page.text), code: totpAt(secret, new Date()) });
      assert.equal(done.status, 200);
      const admin = await login(t.request, "admin", undefined, { totpSecret: secret });
      assert.equal((await admin.get("/admin")).status, 200);
    });
  });
}

// Group mappers of an upstream IdP: the admin page (/admin/upstreams/:slug/groups, linked from the
// upstream list), the CLI (idp upstream map-group | unmap-group | groups) and the store behind both:
// refusals (unknown IdP or group, duplicate, bad claim or value) write nothing; changes are audited
// with the acting admin; auditors and a wrong CSRF token are refused. And the sync itself against
// the real directory: it writes only when something changes, with actor upstream:<slug>.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { syncGroups } from "../../../src/auth/upstream/group-sync.ts";
import { runCli } from "../../../src/cli/index.ts";
import { mappingCommand, UPSTREAM_GROUPS_OPTIONS } from "../../../src/cli/upstream-groups.ts";
import { parseArgs } from "../../../src/cli/args.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { csrfFrom, login, type Browser } from "../../helpers/browser.ts";
import { testBackends } from "../../helpers/db.ts";

const PAGE = "/admin/upstreams/corp/groups";

for (const backend of testBackends()) {
  describe(`upstream group mappers (${backend})`, () => {
    let t: TestApp;
    let admin: Browser;
    before(async () => {
      t = await startTestApp(backend);
      admin = await login(t.request, "admin");
      await t.services.upstream.idps.add({ slug: "corp", displayName: "Corp SSO", issuer: "https://login.corp.example", clientId: "gw", clientSecret: "s" }, "test");
    });
    after(() => t.close());

    const count = () => t.services.db.prisma.upstreamGroupMapping.count();
    const audits = (action: string) => t.services.audit.query({ action, limit: 100 });
    const add = (fields: Record<string, string>) => admin.submit(PAGE, PAGE, { claim: "groups", value: "aws-admins", group: "admins", ...fields });
    const cli = async (...argv: string[]) => {
      const lines: string[] = [];
      const io = { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l) };
      // the command as `idp` parses it, run with this app's services (the real one opens the configured database)
      const run = mappingCommand(parseArgs(argv.slice(1), UPSTREAM_GROUPS_OPTIONS), io);
      return { code: await run(t.services), out: lines.join("\n") };
    };

    test("an admin adds a mapper from the page linked on the upstream list; listed, audited; removing it is audited too", async () => {
      const list = await admin.get("/admin/upstreams");
      assert.ok(list.text.includes(`href="${PAGE}">Group mappers</a>`), "linked from the upstream list");
      const empty = await admin.get(PAGE);
      assert.equal(empty.status, 200);
      assert.match(empty.text, /aria-current="page">Upstream IdPs</);
      assert.match(empty.text, /No group mapper yet/);
      assert.match(empty.text, /<option value="admins">admins<\/option>/);

      const res = await add({});
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.equal(res.headers.location, `${PAGE}?notice=mapped`);
      const page = await admin.get(res.headers.location!);
      assert.match(page.text, /<td><code>groups<\/code><\/td><td><code>aws-admins<\/code><\/td><td><a href="\/admin\/groups\/[^"]+">admins<\/a><\/td>/);
      const [ev] = await audits("upstream.group_mapping.add");
      assert.deepEqual([ev?.actor, ev?.target, ev?.details], ["admin", "upstream:corp", { claim: "groups", value: "aws-admins", group: "admins" }]);

      const removed = await admin.post(`${PAGE}/remove`, { _csrf: csrfFrom(page.text), claim: "groups", value: "aws-admins", group: "admins" });
      assert.equal(removed.status, 303);
      assert.equal(await count(), 0);
      assert.equal((await audits("upstream.group_mapping.remove"))[0]?.actor, "admin");
    });

    test("refusals redraw the form with the message next to the field and write nothing", async () => {
      assert.equal((await add({ value: "taken" })).status, 303);
      const before = await count();
      const events = (await audits("upstream.group_mapping.add")).length;
      for (const [over, field, status, message] of [
        [{ group: "no-such-group" }, "group", 400, /no local group named no-such-group/],
        [{ group: "" }, "group", 400, /Choose a local group/],
        [{ value: "taken" }, "value", 409, /already maps groups = taken to group admins/],
        [{ claim: "bad claim" }, "claim", 400, /Name one claim/],
        [{ claim: "" }, "claim", 400, /Name one claim/],
        [{ value: "" }, "value", 400, /value to match exactly/],
        [{ value: " padded" }, "value", 400, /no leading or trailing spaces/],
        [{ value: "x".repeat(257) }, "value", 400, /1–256 characters/],
      ] as const) {
        const res = await add(over);
        assert.equal(res.status, status, JSON.stringify(over).slice(0, 60));
        assert.match(res.text, new RegExp(`<p class="field-error" id="f-${field}-error">`), JSON.stringify(over).slice(0, 60));
        assert.match(res.text, message);
        assert.doesNotMatch(res.text, /at .*\.ts:\d+/, "no stack trace");
      }
      assert.equal(await count(), before);
      assert.equal((await audits("upstream.group_mapping.add")).length, events);
      assert.equal((await admin.get("/admin/upstreams/nobody/groups")).status, 404);
      assert.equal((await admin.submit(PAGE, "/admin/upstreams/nobody/groups", { claim: "groups", value: "v", group: "admins" })).status, 404);
      assert.equal((await admin.submit(PAGE, `${PAGE}/remove`, { claim: "groups", value: "never-mapped", group: "admins" })).status, 404);
      assert.equal(await count(), before);
    });

    test("CLI: map-group, groups, unmap-group; refusals exit 1 with one clear line; usage errors exit 64", async () => {
      let r = await cli("upstream", "map-group", "corp", "--claim", "department", "--value", "Finance", "--group", "finance");
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /corp: department = Finance → group finance/);
      r = await cli("upstream", "groups", "corp");
      assert.match(r.out, /^CLAIM\s+VALUE\s+LOCAL GROUP\n/);
      assert.match(r.out, /department\s+Finance\s+finance/);
      assert.equal((await audits("upstream.group_mapping.add"))[0]?.actor, "cli");
      await assert.rejects(cli("upstream", "map-group", "corp", "--claim", "department", "--value", "Finance", "--group", "finance"), /already maps department = Finance/);
      await assert.rejects(cli("upstream", "map-group", "nobody", "--claim", "groups", "--value", "x", "--group", "finance"), /No upstream IdP with slug nobody/);
      await assert.rejects(cli("upstream", "map-group", "corp", "--claim", "groups", "--value", "x", "--group", "ghosts"), /no local group named ghosts/);
      r = await cli("upstream", "unmap-group", "corp", "--claim", "department", "--value", "Finance", "--group", "finance");
      assert.equal(r.code, 0);
      assert.doesNotMatch((await cli("upstream", "groups", "corp")).out, /department/);

      // through `idp` itself: usage errors need no database
      const lines: string[] = [];
      const io = { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l) };
      assert.equal(await runCli(["upstream", "map-group", "corp", "--claim", "groups", "--value", "x"], io), 64);
      assert.match(lines.join("\n"), /--group is required/);
      assert.equal(await runCli(["upstream", "groups"], io), 64);
      assert.equal(await runCli(["upstream", "groups", "corp", "--claim", "x"], io), 64);
    });

    test("an auditor sees the mappers without forms and every POST is refused; a wrong CSRF token too", async () => {
      const auditors = (await t.services.directory.snapshot()).groupByName.get("auditors") ?? (await t.services.directory.createGroup({ name: "auditors" }, "test"));
      const bobUser = (await t.services.directory.findUserByUsername("bob"))!;
      await t.services.directory.setUserGroups(bobUser.id, bobUser.version, [...bobUser.groupIds, auditors.id], "test");
      const bob = await login(t.request, "bob");
      const page = await bob.get(PAGE);
      assert.equal(page.status, 200);
      assert.match(page.text, /<code>taken<\/code>/);
      assert.doesNotMatch(page.text, /<form method="post" action="\/admin/, "no forms for auditors");
      const before = await count();
      for (const path of [PAGE, `${PAGE}/remove`]) {
        const res = await bob.post(path, { _csrf: csrfFrom(page.text), claim: "groups", value: "taken", group: "admins" });
        assert.equal(res.status, 403, path);
        assert.match(res.text, /Auditors can look but not change anything/);
        assert.equal((await admin.post(path, { _csrf: "wrong", claim: "groups", value: "by-forgery", group: "admins" })).status, 403);
      }
      assert.equal(await count(), before);
    });

    test("sync: granted groups added, ungranted mapped ones removed, others kept; an unchanged sign-in writes nothing", async () => {
      const { directory } = t.services;
      const snap = await directory.snapshot();
      const [admins, finance] = [snap.groupByName.get("admins")!.id, snap.groupByName.get("finance")!.id];
      const mappers = [{ claim: "groups", value: "aws-admins", groupId: admins }];
      const bob0 = (await directory.findUserByUsername("bob"))!;
      assert.ok(bob0.groupIds.includes(finance) && !bob0.groupIds.includes(admins));
      const groupAudits = async () => (await audits("directory.user.groups")).length;

      const bob1 = await syncGroups(directory, bob0, mappers, { groups: ["aws-admins", "other"] }, "upstream:corp");
      assert.deepEqual([...bob1.groupIds].sort(), [...bob0.groupIds, admins].sort(), "admins added, finance (unmapped) kept");
      const [ev] = await audits("directory.user.groups");
      assert.equal(ev?.actor, "upstream:corp");
      assert.deepEqual((ev?.details as { added: string[] }).added, [admins]);

      const events = await groupAudits();
      const same = await syncGroups(directory, bob1, mappers, { groups: ["aws-admins"] }, "upstream:corp");
      assert.equal(same.version, bob1.version, "no write when nothing changes");
      assert.equal(await groupAudits(), events);

      const bob2 = await syncGroups(directory, bob1, mappers, { groups: [] }, "upstream:corp");
      assert.ok(!bob2.groupIds.includes(admins) && bob2.groupIds.includes(finance), "admins removed, finance kept");
      // a copy of the user changed since it was read (another instance's sign-in, an admin) is read
      // again rather than failing the sign-in; here the fresh copy needs no change any more
      const again = await syncGroups(directory, bob1, mappers, { groups: [] }, "upstream:corp");
      assert.equal(again.version, bob2.version);
      assert.ok(!again.groupIds.includes(admins));
      assert.equal((await directory.findUserById(bob0.id))!.version, bob2.version, "no further write");
    });

    test("removing the IdP or the group removes its mappers", async () => {
      const group = await t.services.directory.createGroup({ name: "short-lived" }, "test");
      await t.services.upstream.groupMappings.add({ slug: "corp", claim: "groups", value: "x", group: "short-lived" }, "test");
      const before = await count();
      await t.services.directory.deleteGroup(group.id, group.version, "test");
      assert.equal(await count(), before - 1);
      await t.services.upstream.idps.remove("corp", "test");
      assert.equal(await count(), 0);
    });
  });
}

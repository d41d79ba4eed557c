// DirectoryService against each backend: audited all-or-nothing writes, optimistic concurrency,
// cache invalidation, group rules, and the claims built from what the directory stores.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AuditLog, type AuditEventInput } from "../../../src/audit/index.ts";
import { buildFederatedIdentity } from "../../../src/claims/index.ts";
import type { Prisma } from "../../../src/generated/prisma/client.ts";
import { Conflict, Invalid, NotFound } from "../../../src/errors.ts";
import { createTestDatabase, testBackends, type TestDatabase } from "../../helpers/db.ts";
import { MISSING_ID, roleArn, SAML_PROVIDER, startInstance, TRUST, type Instance } from "./setup.ts";

const isConflict = (field?: string) => (e: unknown) => e instanceof Conflict && (field === undefined || field in e.fields);
const isInvalid = (field: string) => (e: unknown) => e instanceof Invalid && field in e.fields;

/** An audit log that fails on one action: proves the audit row shares the write's transaction. */
class FailingAudit extends AuditLog {
  failOn?: string;
  override async record(e: AuditEventInput, tx?: Prisma.TransactionClient): Promise<void> {
    if (e.action === this.failOn) throw new Error("audit storage failed");
    return super.record(e, tx);
  }
}

for (const backend of testBackends()) {
  describe(`directory service (${backend})`, () => {
    let t: TestDatabase;
    let x: Instance;
    let audit: FailingAudit;

    before(async () => {
      t = await createTestDatabase(backend);
      audit = new FailingAudit(t.db.prisma);
      x = await startInstance(t.db, { audit });
    });
    after(async () => {
      await x?.close();
      await t?.drop();
    });

    /** Nothing changed: same version row, same number of audit rows. */
    async function unchanged(fn: () => Promise<unknown>, check: (e: unknown) => boolean): Promise<void> {
      const [v, n] = [await x.version(), await x.auditCount()];
      await assert.rejects(fn(), check);
      assert.equal(await x.version(), v, "directory_version not bumped");
      assert.equal(await x.auditCount(), n, "no audit row");
    }

    describe("users", () => {
      it("creates a user with a hashed password and finds it by id and username, ignoring case", async () => {
        const eng = await x.dir.createGroup({ name: "u-eng" }, "admin");
        const u = await x.dir.createUser({ username: "Carol", email: "carol@example.com", password: "correct horse", groupIds: [eng.id], attributes: { department: "eng" } }, "admin");
        assert.equal(u.username, "carol");
        assert.equal(u.version, 1);
        assert.deepEqual(u.groupIds, [eng.id]);
        assert.equal("passwordHash" in u, false, "secrets are not part of the cached user");
        const row = await x.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
        assert.match(row.passwordHash ?? "", /^\$argon2id\$/);
        assert.equal((await x.dir.findUserByUsername("CAROL"))?.id, u.id);
        assert.equal((await x.dir.getUser(u.id)).email, "carol@example.com");
        assert.equal(await x.dir.findUserByUsername("nobody"), undefined);
        assert.equal(await x.dir.findUserByUsername("not valid!"), undefined);
      });

      it("audits every write with the actor, in the write's transaction", async () => {
        const v = await x.version();
        const u = await x.dir.createUser({ username: "dan" }, "admin-7");
        assert.equal(await x.version(), v + 1);
        const [event] = await audit.query({ action: "directory.user.create", actor: "admin-7" });
        assert.equal(event?.target, `user:${u.id}`);
        assert.equal(event?.outcome, "success");
        assert.deepEqual((event?.details as { username: string }).username, "dan");
        await x.dir.setUserDisabled(u.id, u.version, true, "admin-8");
        assert.equal((await audit.query({ action: "directory.user.disable" }))[0]?.actor, "admin-8");
      });

      it("writes nothing when the audit row cannot be written", async () => {
        audit.failOn = "directory.user.create";
        try {
          await unchanged(() => x.dir.createUser({ username: "ghost" }, "admin"), (e) => e instanceof Error && /audit storage failed/.test(e.message));
        } finally {
          audit.failOn = undefined;
        }
        assert.equal(await x.prisma.user.count({ where: { username: "ghost" } }), 0);
      });

      it("refuses a duplicate username as a Conflict on that field, writing nothing", async () => {
        await x.dir.createUser({ username: "erin" }, "admin");
        await unchanged(() => x.dir.createUser({ username: "ERIN" }, "admin"), isConflict("username"));
        assert.equal(await x.prisma.user.count({ where: { username: "erin" } }), 1);
      });

      it("rolls back a failure after the first write of the transaction", async () => {
        const u = await x.dir.createUser({ username: "fay" }, "admin");
        // setUserGroups bumps the user's version first, then finds the group is missing
        await unchanged(() => x.dir.setUserGroups(u.id, u.version, [MISSING_ID], "admin"), isInvalid("groupIds"));
        assert.equal((await x.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).version, u.version);
      });

      it("detects a stale version and writes nothing; a good one increments it", async () => {
        const u = await x.dir.createUser({ username: "gus", email: "gus@example.com" }, "admin");
        const updated = await x.dir.updateUser(u.id, u.version, { displayName: "Gus" }, "admin");
        assert.equal(updated.version, u.version + 1);
        assert.equal(updated.displayName, "Gus");
        await unchanged(() => x.dir.updateUser(u.id, u.version, { email: "other@example.com" }, "admin"), isConflict());
        assert.equal((await x.dir.getUser(u.id)).email, "gus@example.com");
        await unchanged(() => x.dir.deleteUser(u.id, u.version, "admin"), isConflict());
        await x.dir.deleteUser(u.id, updated.version, "admin");
        await assert.rejects(x.dir.getUser(u.id), NotFound);
      });

      it("answers NotFound for unknown and malformed ids", async () => {
        await assert.rejects(x.dir.getUser(MISSING_ID), NotFound);
        await assert.rejects(x.dir.getUser("not-a-uuid"), NotFound);
        await unchanged(() => x.dir.updateUser(MISSING_ID, 1, { displayName: "x" }, "admin"), (e) => e instanceof NotFound);
        await unchanged(() => x.dir.setUserPassword("'; DROP TABLE users; --", "long enough", "admin"), (e) => e instanceof NotFound);
        await unchanged(() => x.dir.setUserPassword(MISSING_ID, "long enough", "admin"), (e) => e instanceof NotFound);
        await unchanged(() => x.dir.deleteGroup(MISSING_ID, 1, "admin"), (e) => e instanceof NotFound);
      });

      it("refuses invalid input with field messages before touching the database", async () => {
        await unchanged(() => x.dir.createUser({ username: "bad name", email: "nope" }, "admin"), (e) => e instanceof Invalid && "username" in e.fields && "email" in e.fields);
        await unchanged(() => x.dir.updateUser(MISSING_ID, 0, {}, "admin"), isInvalid("version"));
      });

      it("sets and clears a password", async () => {
        const u = await x.dir.createUser({ username: "hal" }, "admin");
        await x.dir.setUserPassword(u.id, "a new password", "admin");
        assert.match((await x.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash ?? "", /^\$argon2id\$/);
        await x.dir.setUserPassword(u.id, null, "admin");
        assert.equal((await x.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash, null);
        await assert.rejects(x.dir.setUserPassword(u.id, "short", "admin"), isInvalid("password"));
      });

      it("lists users from the database with search and paging", async () => {
        for (const n of ["list-a", "list-b", "list-c"]) await x.dir.createUser({ username: n, displayName: `Lister ${n}` }, "admin");
        const page = await x.dir.listUsers({ search: "LISTER", limit: 2 });
        assert.equal(page.total, 3);
        assert.deepEqual(page.users.map((u) => u.username), ["list-a", "list-b"]);
        assert.deepEqual((await x.dir.listUsers({ search: "lister", offset: 2 })).users.map((u) => u.username), ["list-c"]);
        assert.equal((await x.dir.listUsers({ search: "no-such-user" })).total, 0);
      });
    });

    describe("cache", () => {
      it("serves reads from memory and drops them after a write on this instance", async () => {
        const u = await x.dir.createUser({ username: "ivy", displayName: "Ivy" }, "admin");
        await x.settle(); // the write's own NOTIFY has been handled: nothing pending will drop the cache
        const first = await x.dir.getUser(u.id);
        const snap = await x.dir.snapshot();
        // change the row behind the service's back: a cached read does not see it
        await x.prisma.$executeRaw`UPDATE users SET display_name = 'Changed' WHERE id = ${u.id}::uuid`;
        assert.equal(await x.dir.getUser(u.id), first, "same cached object");
        assert.equal((await x.dir.findUserByUsername("ivy"))?.displayName, "Ivy");
        assert.equal(await x.dir.snapshot(), snap, "same cached snapshot");
        // any directory write drops every cache, synchronously after commit (read-your-writes)
        const g = await x.dir.createGroup({ name: "cache-probe" }, "admin");
        assert.equal((await x.dir.getUser(u.id)).displayName, "Changed");
        assert.equal((await x.dir.snapshot()).groupById.get(g.id)?.name, "cache-probe");
      });

      it("sees its own updates immediately", async () => {
        const u = await x.dir.createUser({ username: "jay" }, "admin");
        await x.dir.getUser(u.id);
        const v2 = await x.dir.setUserDisabled(u.id, u.version, true, "admin");
        assert.equal((await x.dir.getUser(u.id)).disabled, true);
        assert.equal((await x.dir.findUserByUsername("jay"))?.version, v2.version);
      });
    });

    describe("groups", () => {
      it("nests groups and refuses cycles", async () => {
        const a = await x.dir.createGroup({ name: "cyc-a" }, "admin");
        const b = await x.dir.createGroup({ name: "cyc-b", parentId: a.id }, "admin");
        const c = await x.dir.createGroup({ name: "cyc-c", parentId: b.id }, "admin");
        await unchanged(() => x.dir.updateGroup(a.id, a.version, { parentId: c.id }, "admin"), isInvalid("parentId"));
        await unchanged(() => x.dir.updateGroup(a.id, a.version, { parentId: a.id }, "admin"), isInvalid("parentId"));
        await unchanged(() => x.dir.createGroup({ name: "cyc-d", parentId: MISSING_ID }, "admin"), isInvalid("parentId"));
        const moved = await x.dir.updateGroup(c.id, c.version, { parentId: a.id, name: "cyc-c2" }, "admin");
        assert.equal(moved.parentId, a.id);
        assert.equal(moved.version, c.version + 1);
        const u = await x.dir.createUser({ username: "kim", groupIds: [moved.id] }, "admin");
        assert.deepEqual((await x.dir.effectiveGroups(u.id)).map((g) => g.name), ["cyc-a", "cyc-c2"]);
      });

      it("keeps names unique ignoring case", async () => {
        const g = await x.dir.createGroup({ name: "Platform" }, "admin");
        await unchanged(() => x.dir.createGroup({ name: "platform" }, "admin"), isConflict("name"));
        const other = await x.dir.createGroup({ name: "platform-2" }, "admin");
        await unchanged(() => x.dir.updateGroup(other.id, other.version, { name: "PLATFORM" }, "admin"), isConflict("name"));
        assert.equal((await x.dir.updateGroup(g.id, g.version, { name: "PLATFORM" }, "admin")).name, "PLATFORM");
      });

      it("refuses to delete a group with role mappings, subgroups or app access", async () => {
        const g = await x.dir.createGroup({ name: "del-mapped" }, "admin");
        const role = await x.dir.createRole({ arn: roleArn("DelMapped"), samlProviderArn: SAML_PROVIDER }, "admin");
        await x.dir.mapGroupToRole({ groupId: g.id, roleId: role.id }, "admin");
        await unchanged(() => x.dir.deleteGroup(g.id, g.version, "admin"), isConflict());
        assert.ok((await x.dir.snapshot()).groupById.has(g.id));

        const parent = await x.dir.createGroup({ name: "del-parent" }, "admin");
        await x.dir.createGroup({ name: "del-child", parentId: parent.id }, "admin");
        await unchanged(() => x.dir.deleteGroup(parent.id, parent.version, "admin"), isConflict());

        const gate = await x.dir.createGroup({ name: "del-gate" }, "admin");
        await x.dir.createOidcClient({ clientId: "gated", name: "Gated", metadata: {}, accessGroupIds: [gate.id] }, "admin");
        // deleting the only access group would open the app to everyone
        await unchanged(() => x.dir.deleteGroup(gate.id, gate.version, "admin"), isConflict());

        await x.dir.unmapGroupFromRole(g.id, role.id, "admin");
        await x.dir.deleteGroup(g.id, g.version, "admin");
        assert.equal((await x.dir.snapshot()).groupById.has(g.id), false);
      });

      it("removes memberships with a deleted group", async () => {
        const g = await x.dir.createGroup({ name: "del-members" }, "admin");
        const u = await x.dir.createUser({ username: "lee", groupIds: [g.id] }, "admin");
        await x.dir.deleteGroup(g.id, g.version, "admin");
        assert.deepEqual((await x.dir.getUser(u.id)).groupIds, []);
      });
    });

    describe("roles, mappings and tag rules", () => {
      it("validates, merges and versions role updates", async () => {
        const r = await x.dir.createRole({ arn: roleArn("Merge"), samlProviderArn: SAML_PROVIDER, trustPolicy: JSON.stringify(TRUST) }, "admin");
        assert.deepEqual(r.trustPolicy, TRUST);
        assert.equal(r.maxSessionDuration, 3600);
        const r2 = await x.dir.updateRole(r.id, r.version, { maxSessionDuration: 7200, trustPolicy: null }, "admin");
        assert.equal(r2.maxSessionDuration, 7200);
        assert.equal(r2.trustPolicy, null);
        assert.equal(r2.arn, r.arn);
        await unchanged(() => x.dir.updateRole(r.id, r.version, { description: "stale" }, "admin"), isConflict());
        await unchanged(() => x.dir.updateRole(r.id, r2.version, { samlProviderArn: "arn:aws:iam::999988887777:saml-provider/x" }, "admin"), isInvalid("samlProviderArn"));
        await unchanged(() => x.dir.createRole({ arn: roleArn("Merge"), samlProviderArn: SAML_PROVIDER }, "admin"), isConflict("arn"));
      });

      it("maps groups to roles once, and a deleted role takes its mappings along", async () => {
        const g = await x.dir.createGroup({ name: "map-g" }, "admin");
        const r = await x.dir.createRole({ arn: roleArn("MapR"), samlProviderArn: SAML_PROVIDER, maxSessionDuration: 7200 }, "admin");
        const m = await x.dir.mapGroupToRole({ groupId: g.id, roleId: r.id, sessionDuration: 1800 }, "admin");
        assert.equal(m.sessionDuration, 1800);
        await unchanged(() => x.dir.mapGroupToRole({ groupId: g.id, roleId: r.id }, "admin"), isConflict("roleId"));
        await unchanged(() => x.dir.mapGroupToRole({ groupId: g.id, roleId: MISSING_ID }, "admin"), (e) => e instanceof NotFound);
        await unchanged(() => x.dir.mapGroupToRole({ groupId: g.id, roleId: r.id, sessionDuration: 60 }, "admin"), isInvalid("sessionDuration"));
        await x.dir.deleteRole(r.id, r.version, "admin");
        assert.equal((await x.dir.snapshot()).mappingsByGroup.get(g.id), undefined);
        await unchanged(() => x.dir.unmapGroupFromRole(g.id, r.id, "admin"), (e) => e instanceof NotFound);
      });

      it("caps tag rules at 50 and keeps tag keys unique ignoring case", async () => {
        const existing = (await x.dir.snapshot()).tagRules.length;
        await x.dir.createTagRule({ attribute: "team", tagKey: "Team" }, "admin");
        await unchanged(() => x.dir.createTagRule({ attribute: "team2", tagKey: "TEAM" }, "admin"), isConflict("tagKey"));
        await unchanged(() => x.dir.createTagRule({ attribute: "team", tagKey: "Squad" }, "admin"), isConflict("attribute"));
        for (let i = existing + 1; i < 50; i++) await x.dir.createTagRule({ attribute: `attr${i}`, tagKey: `Key${i}` }, "admin");
        assert.equal((await x.dir.snapshot()).tagRules.length, 50);
        await unchanged(() => x.dir.createTagRule({ attribute: "one_more", tagKey: "OneMore" }, "admin"), isInvalid("tagKey"));
        const rule = (await x.dir.snapshot()).tagRules.find((r) => r.tagKey === "Team")!;
        await x.dir.deleteTagRule(rule.id, "admin");
        await x.dir.createTagRule({ attribute: "one_more", tagKey: "OneMore", transitive: true }, "admin");
        for (const r of (await x.dir.snapshot()).tagRules) await x.dir.deleteTagRule(r.id, "admin");
      });
    });

    describe("apps", () => {
      it("creates, updates and deletes service providers and clients with access groups", async () => {
        const g = await x.dir.createGroup({ name: "app-users" }, "admin");
        const sp = await x.dir.createServiceProvider({ entityId: "urn:app:wiki", name: "Wiki", acsUrls: ["https://wiki.example.com/acs"], accessGroupIds: [g.id] }, "admin");
        assert.deepEqual(sp.accessGroupIds, [g.id]);
        await unchanged(() => x.dir.createServiceProvider({ entityId: "urn:app:wiki", name: "Again", acsUrls: ["https://x.example.com/acs"] }, "admin"), isConflict("entityId"));
        const sp2 = await x.dir.updateServiceProvider(sp.id, sp.version, { name: "Team wiki", accessGroupIds: [] }, "admin");
        assert.equal(sp2.name, "Team wiki");
        assert.deepEqual(sp2.accessGroupIds, []);
        assert.equal(sp2.acsUrls[0], "https://wiki.example.com/acs");
        await unchanged(() => x.dir.updateServiceProvider(sp.id, sp.version, { name: "stale" }, "admin"), isConflict());
        await unchanged(() => x.dir.updateServiceProvider(sp.id, sp2.version, { acsUrls: ["ftp://x"] }, "admin"), isInvalid("acsUrls"));

        const c = await x.dir.createOidcClient({ clientId: "app-cli", name: "CLI", metadata: { client_id: "app-cli", redirect_uris: ["http://127.0.0.1:8765/callback"] } }, "admin");
        const c2 = await x.dir.updateOidcClient(c.id, c.version, { secretEnc: "v1.encrypted", accessGroupIds: [g.id] }, "admin");
        assert.equal(c2.secretEnc, "v1.encrypted");
        const [event] = await audit.query({ action: "directory.oidc_client.update" });
        assert.equal(JSON.stringify(event?.details).includes("v1.encrypted"), false, "no secret in the audit log");
        assert.equal((await x.dir.snapshot()).clientByClientId.get("app-cli")?.version, c2.version);
        await x.dir.deleteOidcClient(c.id, c2.version, "admin");
        await x.dir.deleteServiceProvider(sp.id, sp2.version, "admin");
        const snap = await x.dir.snapshot();
        assert.equal(snap.spByEntityId.has("urn:app:wiki") || snap.clientByClientId.has("app-cli"), false);
      });

      it("lists the apps a user may reach, counting nested groups", async () => {
        const staff = await x.dir.createGroup({ name: "apps-staff" }, "admin");
        const eng = await x.dir.createGroup({ name: "apps-eng", parentId: staff.id }, "admin");
        const hr = await x.dir.createGroup({ name: "apps-hr" }, "admin");
        await x.dir.createServiceProvider({ entityId: "urn:apps:open", name: "Open", acsUrls: ["https://open.example.com/acs"] }, "admin");
        await x.dir.createServiceProvider({ entityId: "urn:apps:staff", name: "Staff", acsUrls: ["https://staff.example.com/acs"], accessGroupIds: [staff.id] }, "admin");
        await x.dir.createOidcClient({ clientId: "apps-hr", name: "HR", metadata: {}, accessGroupIds: [hr.id] }, "admin");
        const u = await x.dir.createUser({ username: "max", groupIds: [eng.id] }, "admin");
        const apps = await x.dir.appsForUser(u.id);
        const mine = apps.serviceProviders.map((s) => s.entityId).filter((e) => e.startsWith("urn:apps:"));
        assert.deepEqual(mine, ["urn:apps:open", "urn:apps:staff"]);
        assert.equal(apps.oidcClients.some((c) => c.clientId === "apps-hr"), false);
      });
    });

    describe("claims from the stored directory", () => {
      it("builds the demo identity for alice", async () => {
        const d = x.dir;
        const eng = await d.createGroup({ name: "engineering" }, "seed");
        const admins = await d.createGroup({ name: "admins" }, "seed");
        for (const [name, group] of [["Engineer", eng], ["ReadOnly", admins]] as const) {
          const role = await d.createRole({ arn: roleArn(name), samlProviderArn: SAML_PROVIDER, trustPolicy: TRUST }, "seed");
          await d.mapGroupToRole({ groupId: group.id, roleId: role.id }, "seed");
        }
        await d.createTagRule({ attribute: "department", tagKey: "Department" }, "seed");
        await d.createTagRule({ attribute: "costCenter", tagKey: "CostCenter", transitive: true }, "seed");
        await d.createServiceProvider({ entityId: "urn:amazon:webservices", name: "AWS", acsUrls: ["http://127.0.0.1:4000/aws/saml"], profile: "aws" }, "seed");
        const alice = await d.createUser(
          { username: "alice", email: "alice@example.com", displayName: "Alice Example", attributes: { department: "engineering", costCenter: "1234" }, groupIds: [eng.id, admins.id] },
          "seed",
        );
        const { identity, dropped } = buildFederatedIdentity({
          user: await d.getUser(alice.id),
          effectiveGroups: await d.effectiveGroups(alice.id),
          snapshot: await d.snapshot(),
          target: { kind: "saml", id: "urn:amazon:webservices" },
          issuer: "http://127.0.0.1:4000",
          authTime: new Date(),
          mfa: false,
          amr: ["pwd"],
        });
        assert.deepEqual(dropped, []);
        assert.deepEqual(identity.roles.map((r) => r.roleArn), [roleArn("Engineer"), roleArn("ReadOnly")]);
        assert.deepEqual(identity.principalTags, { CostCenter: "1234", Department: "engineering" });
        assert.deepEqual(identity.transitiveTagKeys, ["CostCenter"]);
        assert.deepEqual(identity.groups, ["admins", "engineering"]);
        assert.equal(identity.subject, alice.id);
      });
    });
  });
}

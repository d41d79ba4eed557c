// Snapshot rules (group nesting, app access) and the cache's behaviour around concurrent writes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DirectoryCache, Lru } from "../../../src/directory/cache.ts";
import { appsFor, createSnapshot, effectiveGroupsOf, hasAccess } from "../../../src/directory/snapshot.ts";
import type { DirectorySnapshot, DirectoryUser, GroupRecord, SnapshotParts } from "../../../src/directory/types.ts";

const group = (id: string, parentId: string | null = null): GroupRecord => ({ id, name: `g-${id}`, description: null, parentId, version: 1 });

function snapshotOf(parts: Partial<SnapshotParts>): DirectorySnapshot {
  return createSnapshot({ version: 1, groups: [], roles: [], mappings: [], tagRules: [], serviceProviders: [], oidcClients: [], accounts: [], ...parts });
}

describe("effective groups", () => {
  const snap = snapshotOf({ groups: [group("root"), group("eng", "root"), group("backend", "eng"), group("finance", "root"), group("solo")] });
  const ids = (direct: string[]) => effectiveGroupsOf(snap, direct).map((g) => g.id).sort();

  const rows: [string, string[], string[]][] = [
    ["no groups", [], []],
    ["a top-level group", ["solo"], ["solo"]],
    ["a nested group brings every ancestor", ["backend"], ["backend", "eng", "root"]],
    ["shared ancestors once", ["backend", "finance"], ["backend", "eng", "finance", "root"]],
    ["unknown ids are ignored", ["gone", "solo"], ["solo"]],
  ];
  for (const [name, direct, expected] of rows) it(name, () => assert.deepEqual(ids(direct), expected));

  it("sorts by name", () => {
    assert.deepEqual(effectiveGroupsOf(snap, ["backend"]).map((g) => g.name), ["g-backend", "g-eng", "g-root"]);
  });

  it("terminates on a cycle (writes refuse them, but a race across instances must not hang a login)", () => {
    const cyclic = snapshotOf({ groups: [group("a", "b"), group("b", "c"), group("c", "a")] });
    assert.deepEqual(effectiveGroupsOf(cyclic, ["a"]).map((g) => g.id).sort(), ["a", "b", "c"]);
  });
});

describe("app access", () => {
  const sp = (entityId: string, accessGroupIds: string[]) => ({
    id: entityId,
    entityId,
    name: entityId,
    acsUrls: [],
    sloUrl: null,
    certificates: [],
    wantAuthnRequestsSigned: false,
    encryptAssertions: false,
    nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    profile: "generic" as const,
    signMode: "assertion" as const,
    encryptionAlgorithm: "aes256-gcm" as const,
    version: 1,
    accessGroupIds,
  });

  it("no access groups means everyone; otherwise any one group", () => {
    assert.equal(hasAccess({ accessGroupIds: [] }, new Set()), true);
    assert.equal(hasAccess({ accessGroupIds: ["a", "b"] }, new Set(["b"])), true);
    assert.equal(hasAccess({ accessGroupIds: ["a"] }, new Set(["b"])), false);
  });

  it("counts nesting: membership of a child grants the parent's apps", () => {
    const snap = snapshotOf({ groups: [group("root"), group("eng", "root")], serviceProviders: [sp("open", []), sp("staff", ["root"]), sp("hr", ["hr"])] });
    const apps = appsFor(snap, effectiveGroupsOf(snap, ["eng"]));
    assert.deepEqual(apps.serviceProviders.map((s) => s.entityId), ["open", "staff"]);
  });
});

describe("snapshot", () => {
  it("is frozen and indexed", () => {
    const snap = snapshotOf({ groups: [group("a")], mappings: [{ id: "m1", groupId: "a", roleId: "r" }].map((m) => ({ ...m, sessionDuration: null, version: 1 })) });
    assert.equal(Object.isFrozen(snap), true);
    assert.equal(Object.isFrozen(snap.groups[0]), true);
    assert.equal(snap.groupByName.get("g-a")?.id, "a");
    assert.equal(snap.mappingsByGroup.get("a")?.length, 1);
  });
});

describe("LRU", () => {
  it("evicts the least recently used entry", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    lru.get("a");
    lru.set("c", 3);
    assert.equal(lru.get("b"), undefined);
    assert.equal(lru.get("a"), 1);
    assert.equal(lru.get("c"), 3);
    assert.equal(lru.size, 2);
  });
});

describe("directory cache", () => {
  const user = (name: string): DirectoryUser => ({
    id: `id-${name}`,
    username: name,
    email: null,
    displayName: null,
    attributes: {},
    disabled: false,
    version: 1,
    groupIds: [],
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });
  function deferred<T>() {
    let resolve!: (v: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }

  it("shares one snapshot load between concurrent readers and keeps it", async () => {
    const cache = new DirectoryCache(10);
    let loads = 0;
    const load = async () => (loads++, snapshotOf({}));
    const [a, b] = await Promise.all([cache.snapshot(load), cache.snapshot(load)]);
    assert.equal(a, b);
    assert.equal(await cache.snapshot(load), a);
    assert.equal(loads, 1);
  });

  it("does not keep a snapshot load that straddled a drop", async () => {
    const cache = new DirectoryCache(10);
    const slow = deferred<DirectorySnapshot>();
    const stale = cache.snapshot(() => slow.promise);
    cache.drop(); // a write committed while the load was running
    const fresh = snapshotOf({ version: 2 });
    const next = cache.snapshot(async () => fresh);
    slow.resolve(snapshotOf({ version: 1 }));
    assert.equal((await stale).version, 1);
    assert.equal(await next, fresh);
    assert.equal(await cache.snapshot(async () => assert.fail("should be cached")), fresh);
  });

  it("retries a failed snapshot load", async () => {
    const cache = new DirectoryCache(10);
    await assert.rejects(cache.snapshot(async () => Promise.reject(new Error("db down"))));
    assert.equal((await cache.snapshot(async () => snapshotOf({ version: 3 }))).version, 3);
  });

  it("caches users by id and username, and not when a drop happened during the load", async () => {
    const cache = new DirectoryCache(10);
    const alice = user("alice");
    await cache.user("id:id-alice", async () => alice);
    assert.equal(await cache.user("name:alice", async () => assert.fail("should be cached")), alice);

    const slow = deferred<DirectoryUser | undefined>();
    const pending = cache.user("name:bob", () => slow.promise);
    cache.drop();
    slow.resolve(user("bob"));
    await pending;
    let loaded = 0;
    await cache.user("name:bob", async () => (loaded++, user("bob")));
    assert.equal(loaded, 1, "the load that straddled the drop was not cached");
    assert.equal(cache.userCount, 1);
  });

  it("does not cache unknown users", async () => {
    const cache = new DirectoryCache(10);
    let loads = 0;
    await cache.user("name:ghost", async () => (loads++, undefined));
    await cache.user("name:ghost", async () => (loads++, undefined));
    assert.equal(loads, 2);
  });
});

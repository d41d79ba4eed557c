// The directory snapshot and the pure rules read from it: group nesting and app access.
// claims/ uses these too, so "who is in which group" and "who may use which app" have one definition.
import type { AppsForUser, DirectorySnapshot, GroupRecord, MappingRecord, OidcClientRecord, ServiceProviderRecord, SnapshotParts } from "./types.ts";

/** Indexes and freezes a copy of the parts; the result is shared by every request until the next write. */
export function createSnapshot(input: SnapshotParts): DirectorySnapshot {
  const parts = structuredClone(input);
  const mappingsByGroup = new Map<string, MappingRecord[]>();
  for (const m of parts.mappings) {
    const list = mappingsByGroup.get(m.groupId) ?? [];
    list.push(m);
    mappingsByGroup.set(m.groupId, list);
  }
  return deepFreeze({
    ...parts,
    groupById: new Map(parts.groups.map((g) => [g.id, g])),
    groupByName: new Map(parts.groups.map((g) => [g.name, g])),
    roleById: new Map(parts.roles.map((r) => [r.id, r])),
    roleByArn: new Map(parts.roles.map((r) => [r.arn, r])),
    mappingsByGroup,
    spByEntityId: new Map(parts.serviceProviders.map((s) => [s.entityId, s])),
    clientByClientId: new Map(parts.oidcClients.map((c) => [c.clientId, c])),
    aliasByAccount: new Map(parts.accounts.map((a) => [a.accountId, a.alias])),
  });
}

/**
 * Direct groups plus every ancestor: a member of a child group is a member of its parents.
 * Writes refuse cycles, but this walk still terminates on one (two instances could race).
 */
export function effectiveGroupsOf(snapshot: DirectorySnapshot, directGroupIds: readonly string[]): GroupRecord[] {
  const seen = new Map<string, GroupRecord>();
  for (const id of directGroupIds) {
    let g = snapshot.groupById.get(id);
    while (g && !seen.has(g.id)) {
      seen.set(g.id, g);
      g = g.parentId ? snapshot.groupById.get(g.parentId) : undefined;
    }
  }
  return [...seen.values()].sort((a, b) => compare(a.name, b.name));
}

/** An app with no access groups is open to every user; otherwise membership (nesting counts) in any one. */
export function hasAccess(app: { accessGroupIds: readonly string[] }, effectiveGroupIds: ReadonlySet<string>): boolean {
  return app.accessGroupIds.length === 0 || app.accessGroupIds.some((id) => effectiveGroupIds.has(id));
}

export function appsFor(snapshot: DirectorySnapshot, effective: readonly GroupRecord[]): AppsForUser {
  const ids = new Set(effective.map((g) => g.id));
  return {
    serviceProviders: snapshot.serviceProviders.filter((sp: ServiceProviderRecord) => hasAccess(sp, ids)),
    oidcClients: snapshot.oidcClients.filter((c: OidcClientRecord) => hasAccess(c, ids)),
  };
}

/** Code-unit order: deterministic across locales (claims are signed, so their order must not drift). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    else if (!(value instanceof Date)) for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// Local group membership from an upstream IdP's claims (its group mappers, group-mappings.ts).
// The rule: the groups that are targets of this IdP's mappers are managed by the upstream. At each
// sign-in through it, the user's membership of each such group becomes exactly what the claims
// grant (added if a mapper matches, removed if none does); every other membership is never touched.
// The change goes through the directory's audited, versioned setUserGroups (caches and other
// instances follow by NOTIFY; the audit log names the actor "upstream:<slug>"), and only when
// something changes: an unchanged sign-in writes nothing.
import type { DirectoryService, DirectoryUser } from "../../directory/index.ts";
import { Conflict } from "../../errors.ts";

export interface GroupMapper {
  claim: string;
  value: string;
  groupId: string;
}

/** another writer changed the user between our read and our write: read again, a few times */
const TRIES = 3;

/**
 * Whether claim `claim` holds `value`: a string claim equal to it, or an array claim (OIDC) /
 * multi-valued attribute (SAML) with an element equal to it. Exact and case-sensitive; values
 * that are not strings (numbers, objects, booleans) never match.
 */
export function claimHolds(claims: Record<string, unknown>, claim: string, value: string): boolean {
  const held = claims[claim];
  return Array.isArray(held) ? held.some((v) => v === value) : held === value;
}

/** The user's groups after the mappers have spoken: `current` minus the managed groups, plus the granted ones. */
export function mappedGroups(current: readonly string[], mappers: readonly GroupMapper[], claims: Record<string, unknown>): string[] {
  const managed = new Set(mappers.map((m) => m.groupId));
  const granted = new Set(mappers.filter((m) => claimHolds(claims, m.claim, m.value)).map((m) => m.groupId));
  return [...current.filter((g) => !managed.has(g)), ...granted];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Applies the mappers to the user; returns the user as they are now (unchanged when nothing was to change). */
export async function syncGroups(directory: DirectoryService, user: DirectoryUser, mappers: readonly GroupMapper[], claims: Record<string, unknown>, actor: string): Promise<DirectoryUser> {
  if (!mappers.length) return user;
  let current = user;
  for (let attempt = 1; ; attempt++) {
    const wanted = mappedGroups(current.groupIds, mappers, claims);
    if (sameSet(wanted, current.groupIds)) return current;
    try {
      return await directory.setUserGroups(current.id, current.version, wanted, actor);
    } catch (err) {
      // Conflict: the user's version moved (an admin edit, a concurrent sign-in), or a mapped group was just deleted
      if (!(err instanceof Conflict) || attempt >= TRIES) throw err;
      directory.invalidate();
      const fresh = await directory.findUserById(current.id);
      if (!fresh) return current;
      current = fresh;
    }
  }
}

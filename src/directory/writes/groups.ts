// Group writes: names unique ignoring case, nesting without cycles, and no delete that would
// silently change who gets a role or an app.
import { Conflict, Invalid, NotFound } from "../../errors.ts";
import type * as inputs from "../inputs.ts";
import { toGroup } from "../load.ts";
import type { GroupRecord } from "../types.ts";
import { changedKeys, guarded, type Outcome, type Tx } from "./common.ts";

const exists = (tx: Tx, id: string) => () => tx.group.findUnique({ where: { id }, select: { id: true } });

/** "Admins" and "admins" side by side would be two different groups that look alike in every claim. */
async function assertNameFree(tx: Tx, name: string, except?: string): Promise<void> {
  const clash = await tx.group.findFirst({ where: { name: { equals: name, mode: "insensitive" }, NOT: except ? { id: except } : undefined } });
  if (clash) throw new Conflict(`A group named "${clash.name}" already exists.`, { name: "Already in use." });
}

/** The new parent must exist and must not be the group itself or one of its descendants. */
async function assertParent(tx: Tx, parentId: string, childId?: string): Promise<void> {
  const all = await tx.group.findMany({ select: { id: true, parentId: true } });
  const parentOf = new Map(all.map((g) => [g.id, g.parentId]));
  if (!parentOf.has(parentId)) throw new Invalid("The parent group no longer exists.", { parentId: "Choose a parent group from the list." });
  const seen = new Set<string>();
  for (let at: string | null | undefined = parentId; at && !seen.has(at); at = parentOf.get(at)) {
    if (at === childId) throw new Invalid("A group cannot be nested inside itself or one of its subgroups.", { parentId: "This would make a cycle." });
    seen.add(at);
  }
}

export async function createGroup(tx: Tx, i: ReturnType<typeof inputs.groupCreate>): Promise<Outcome<GroupRecord>> {
  await assertNameFree(tx, i.name);
  if (i.parentId) await assertParent(tx, i.parentId);
  const g = toGroup(await tx.group.create({ data: i }));
  return { result: g, target: `group:${g.id}`, details: { name: g.name, parentId: g.parentId } };
}

export async function updateGroup(tx: Tx, id: string, version: number, patch: ReturnType<typeof inputs.groupUpdate>): Promise<Outcome<GroupRecord>> {
  if (patch.name !== undefined) await assertNameFree(tx, patch.name, id);
  if (patch.parentId) await assertParent(tx, patch.parentId, id);
  await guarded("group", await tx.group.updateMany({ where: { id, version }, data: { ...patch, version: { increment: 1 } } }), exists(tx, id));
  const g = toGroup(await tx.group.findUniqueOrThrow({ where: { id } }));
  return { result: g, target: `group:${id}`, details: { name: g.name, changed: changedKeys(patch), parentId: g.parentId } };
}

export async function deleteGroup(tx: Tx, id: string, version: number): Promise<Outcome<void>> {
  const g = await tx.group.findUnique({
    where: { id },
    select: { name: true, _count: { select: { mappings: true, children: true, spAccess: true, clientAccess: true } } },
  });
  if (!g) throw new NotFound("No such group.");
  const c = g._count;
  // Removing the last access group of an app would open that app to everyone: refuse instead.
  const uses = [
    c.mappings && `${c.mappings} role mapping(s)`,
    c.children && `${c.children} subgroup(s)`,
    c.spAccess + c.clientAccess && `access to ${c.spAccess + c.clientAccess} app(s)`,
  ].filter(Boolean);
  if (uses.length > 0) throw new Conflict(`Group "${g.name}" still has ${uses.join(", ")}; remove them first.`);
  await guarded("group", await tx.group.deleteMany({ where: { id, version } }), exists(tx, id));
  return { result: undefined, target: `group:${id}`, details: { name: g.name } };
}

// User writes. Credentials other than the admin-set password (TOTP, recovery codes) belong to auth/.
import { NotFound } from "../../errors.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type * as inputs from "../inputs.ts";
import { toUser, USER_SELECT } from "../load.ts";
import type { DirectoryUser } from "../types.ts";
import { assertGroupsExist, changedKeys, guarded, type Outcome, type Tx } from "./common.ts";

const exists = (tx: Tx, id: string) => () => tx.user.findUnique({ where: { id }, select: { id: true } });

async function read(tx: Tx, id: string): Promise<DirectoryUser> {
  return toUser(await tx.user.findUniqueOrThrow({ where: { id }, select: USER_SELECT }));
}

export async function createUser(tx: Tx, i: ReturnType<typeof inputs.userCreate>, passwordHash: string | undefined): Promise<Outcome<DirectoryUser>> {
  await assertGroupsExist(tx, i.groupIds, "groupIds");
  const row = await tx.user.create({
    data: {
      username: i.username,
      email: i.email,
      displayName: i.displayName,
      attributes: i.attributes as Prisma.InputJsonObject,
      disabled: i.disabled,
      passwordHash,
      memberships: { create: i.groupIds.map((groupId) => ({ groupId })) },
    },
    select: USER_SELECT,
  });
  return { result: toUser(row), target: `user:${row.id}`, details: { username: i.username, groupIds: i.groupIds, hasPassword: passwordHash !== undefined } };
}

export async function updateUser(tx: Tx, id: string, version: number, patch: ReturnType<typeof inputs.userUpdate>): Promise<Outcome<DirectoryUser>> {
  const data = { ...patch, attributes: patch.attributes as Prisma.InputJsonObject | undefined, version: { increment: 1 } };
  await guarded("user", await tx.user.updateMany({ where: { id, version }, data }), exists(tx, id));
  const user = await read(tx, id);
  return { result: user, target: `user:${id}`, details: { username: user.username, changed: changedKeys(patch) } };
}

export async function setDisabled(tx: Tx, id: string, version: number, disabled: boolean): Promise<Outcome<DirectoryUser>> {
  await guarded("user", await tx.user.updateMany({ where: { id, version }, data: { disabled, version: { increment: 1 } } }), exists(tx, id));
  const user = await read(tx, id);
  return { result: user, target: `user:${id}`, details: { username: user.username } };
}

export async function setGroups(tx: Tx, id: string, version: number, groupIds: string[]): Promise<Outcome<DirectoryUser>> {
  await guarded("user", await tx.user.updateMany({ where: { id, version }, data: { version: { increment: 1 } } }), exists(tx, id));
  await assertGroupsExist(tx, groupIds, "groupIds");
  const before = await tx.membership.findMany({ where: { userId: id }, select: { groupId: true } });
  await tx.membership.deleteMany({ where: { userId: id } });
  await tx.membership.createMany({ data: groupIds.map((groupId) => ({ userId: id, groupId })) });
  const user = await read(tx, id);
  const had = new Set(before.map((m) => m.groupId));
  return {
    result: user,
    target: `user:${id}`,
    details: { username: user.username, added: groupIds.filter((g) => !had.has(g)).sort(), removed: [...had].filter((g) => !groupIds.includes(g)).sort() },
  };
}

/** An admin sets or clears a password (null: the user can only sign in upstream). */
export async function setPassword(tx: Tx, id: string, passwordHash: string | null): Promise<Outcome<void>> {
  const changed = await tx.user.updateMany({ where: { id }, data: { passwordHash } });
  if (changed.count !== 1) throw new NotFound("No such user.");
  return { result: undefined, target: `user:${id}`, details: { cleared: passwordHash === null } };
}

export async function deleteUser(tx: Tx, id: string, version: number): Promise<Outcome<void>> {
  const user = await tx.user.findUnique({ where: { id }, select: { username: true } });
  // memberships, recovery codes and web sessions go with the user (ON DELETE CASCADE)
  await guarded("user", await tx.user.deleteMany({ where: { id, version } }), exists(tx, id));
  return { result: undefined, target: `user:${id}`, details: { username: user?.username } };
}

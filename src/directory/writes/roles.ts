// AWS roles, group → role mappings, and attribute → session tag rules.
import { Conflict, Invalid, NotFound } from "../../errors.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import * as inputs from "../inputs.ts";
import { toRole } from "../load.ts";
import type { AccountRecord, MappingRecord, RoleRecord, TagRuleRecord, UpdateRoleInput } from "../types.ts";
import { MAX_TAG_RULES } from "../validation.ts";
import { changedKeys, definedOnly, guarded, type Outcome, type Tx } from "./common.ts";

type RoleData = ReturnType<typeof inputs.role>;
const json = (p: RoleData["trustPolicy"]) => (p === null ? Prisma.DbNull : (p as Prisma.InputJsonObject));
const stillThere = () => Promise.resolve(true); // read above, and writers are serialised: only the version can differ

export async function createRole(tx: Tx, i: RoleData): Promise<Outcome<RoleRecord>> {
  const r = toRole(await tx.awsRole.create({ data: { ...i, trustPolicy: json(i.trustPolicy) } }));
  return { result: r, target: `role:${r.id}`, details: { arn: r.arn, samlProviderArn: r.samlProviderArn, maxSessionDuration: r.maxSessionDuration } };
}

/** The patch is merged into the stored role and the whole is validated (the ARNs are checked together). */
export async function updateRole(tx: Tx, id: string, version: number, patch: UpdateRoleInput): Promise<Outcome<RoleRecord>> {
  const current = await tx.awsRole.findUnique({ where: { id } });
  if (!current) throw new NotFound("No such role.");
  const merged = inputs.role({ ...current, trustPolicy: current.trustPolicy as RoleData["trustPolicy"], ...definedOnly(patch) });
  const data = { ...merged, trustPolicy: json(merged.trustPolicy), version: { increment: 1 } };
  await guarded("role", await tx.awsRole.updateMany({ where: { id, version }, data }), stillThere);
  const r = toRole(await tx.awsRole.findUniqueOrThrow({ where: { id } }));
  return { result: r, target: `role:${id}`, details: { arn: r.arn, changed: changedKeys(patch) } };
}

export async function deleteRole(tx: Tx, id: string, version: number): Promise<Outcome<void>> {
  const r = await tx.awsRole.findUnique({ where: { id }, select: { arn: true, _count: { select: { mappings: true } } } });
  if (!r) throw new NotFound("No such role.");
  // its mappings go with it (ON DELETE CASCADE): nobody is granted a role that no longer exists
  await guarded("role", await tx.awsRole.deleteMany({ where: { id, version } }), stillThere);
  return { result: undefined, target: `role:${id}`, details: { arn: r.arn, mappingsRemoved: r._count.mappings } };
}

export async function mapGroup(tx: Tx, i: ReturnType<typeof inputs.mapping>): Promise<Outcome<MappingRecord>> {
  const [group, role] = await Promise.all([
    tx.group.findUnique({ where: { id: i.groupId }, select: { name: true } }),
    tx.awsRole.findUnique({ where: { id: i.roleId }, select: { arn: true } }),
  ]);
  if (!group) throw new NotFound("No such group.");
  if (!role) throw new NotFound("No such role.");
  if (await tx.roleMapping.findUnique({ where: { groupId_roleId: { groupId: i.groupId, roleId: i.roleId } } })) {
    throw new Conflict(`Group "${group.name}" is already mapped to ${role.arn}.`, { roleId: "Already mapped." });
  }
  const m = await tx.roleMapping.create({ data: i });
  return { result: m, target: `mapping:${m.id}`, details: { group: group.name, role: role.arn, sessionDuration: m.sessionDuration } };
}

export async function unmapGroup(tx: Tx, groupId: string, roleId: string): Promise<Outcome<void>> {
  const m = await tx.roleMapping.findUnique({ where: { groupId_roleId: { groupId, roleId } }, include: { group: true, role: true } });
  if (!m) throw new NotFound("This group is not mapped to this role.");
  await tx.roleMapping.delete({ where: { id: m.id } });
  return { result: undefined, target: `mapping:${m.id}`, details: { group: m.group.name, role: m.role.arn } };
}

/** Change a mapping's session cap; `version` is the mapping's, so a concurrent edit is refused. */
export async function updateMapping(tx: Tx, groupId: string, roleId: string, version: number, sessionDuration: number | null): Promise<Outcome<MappingRecord>> {
  const where = { groupId_roleId: { groupId, roleId } };
  const m = await tx.roleMapping.findUnique({ where, include: { group: true, role: true } });
  if (!m) throw new NotFound("This group is not mapped to this role.");
  await guarded("mapping", await tx.roleMapping.updateMany({ where: { id: m.id, version }, data: { sessionDuration, version: { increment: 1 } } }), stillThere);
  const { group, role, ...updated } = { ...m, ...(await tx.roleMapping.findUniqueOrThrow({ where })) };
  return { result: updated, target: `mapping:${m.id}`, details: { group: group.name, role: role.arn, sessionDuration, previous: m.sessionDuration } };
}

export async function createTagRule(tx: Tx, i: ReturnType<typeof inputs.tagRule>): Promise<Outcome<TagRuleRecord>> {
  if ((await tx.tagRule.count()) >= MAX_TAG_RULES) {
    throw new Invalid(`A session carries at most ${MAX_TAG_RULES} tags; delete a rule first.`, { tagKey: `At most ${MAX_TAG_RULES} tag rules.` });
  }
  // Session tag keys are case-insensitive in AWS: "Team" and "team" would be one duplicated tag.
  const clash = await tx.tagRule.findFirst({ where: { tagKey: { equals: i.tagKey, mode: "insensitive" } } });
  if (clash) throw new Conflict(`Tag key "${clash.tagKey}" is already produced by another rule.`, { tagKey: "Already in use." });
  const t = await tx.tagRule.create({ data: i });
  return { result: t, target: `tag_rule:${t.id}`, details: { attribute: t.attribute, tagKey: t.tagKey, transitive: t.transitive } };
}

/** Names an account, or renames it; an alias names one account only. */
export async function setAccountAlias(tx: Tx, i: AccountRecord): Promise<Outcome<AccountRecord>> {
  const clash = await tx.awsAccount.findUnique({ where: { alias: i.alias } });
  if (clash && clash.accountId !== i.accountId) throw new Conflict(`"${i.alias}" already names account ${clash.accountId}.`, { alias: "Already in use." });
  const before = await tx.awsAccount.findUnique({ where: { accountId: i.accountId } });
  const a = await tx.awsAccount.upsert({ where: { accountId: i.accountId }, create: i, update: { alias: i.alias } });
  return { result: a, target: `account:${a.accountId}`, details: { alias: a.alias, previous: before?.alias } };
}

export async function removeAccountAlias(tx: Tx, accountId: string): Promise<Outcome<void>> {
  const a = await tx.awsAccount.findUnique({ where: { accountId } });
  if (!a) throw new NotFound(`Account ${accountId} has no name.`);
  await tx.awsAccount.delete({ where: { accountId } });
  return { result: undefined, target: `account:${accountId}`, details: { alias: a.alias } };
}

export async function deleteTagRule(tx: Tx, id: string): Promise<Outcome<void>> {
  const t = await tx.tagRule.findUnique({ where: { id } });
  if (!t) throw new NotFound("No such tag rule.");
  await tx.tagRule.delete({ where: { id } });
  return { result: undefined, target: `tag_rule:${id}`, details: { attribute: t.attribute, tagKey: t.tagKey } };
}

// Reading directory rows into the cached record shapes (the only place that knows both).
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { compare, createSnapshot, deepFreeze } from "./snapshot.ts";
import type {
  DirectorySnapshot,
  DirectoryUser,
  GroupRecord,
  JsonObject,
  OidcClientRecord,
  RoleRecord,
  ServiceProviderRecord,
  SpEncryptionAlgorithm,
  SpProfile,
  SpSignMode,
} from "./types.ts";

export type Db = PrismaClient | Prisma.TransactionClient;

export const USER_SELECT = {
  id: true,
  username: true,
  email: true,
  displayName: true,
  attributes: true,
  disabled: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  memberships: { select: { groupId: true } },
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

export function toUser(row: UserRow): DirectoryUser {
  const { memberships, attributes, ...rest } = row;
  return deepFreeze({
    ...rest,
    attributes: (attributes ?? {}) as JsonObject,
    groupIds: memberships.map((m) => m.groupId).sort(compare),
  });
}

/** Every table of the snapshot in one REPEATABLE READ transaction, so the parts agree with each other. */
export async function loadSnapshot(prisma: PrismaClient): Promise<DirectorySnapshot> {
  const [version, groups, roles, mappings, tagRules, sps, clients, accounts] = await prisma.$transaction(
    [
      prisma.directoryVersion.findUnique({ where: { id: 1 } }),
      prisma.group.findMany(),
      prisma.awsRole.findMany(),
      prisma.roleMapping.findMany(),
      prisma.tagRule.findMany(),
      prisma.serviceProvider.findMany({ include: ACCESS }),
      prisma.oidcClient.findMany({ include: ACCESS }),
      prisma.awsAccount.findMany(),
    ],
    { isolationLevel: "RepeatableRead" },
  );
  return createSnapshot({
    version: Number(version?.version ?? 0),
    groups: groups.map(toGroup).sort((a, b) => compare(a.name, b.name)),
    roles: roles.map(toRole).sort((a, b) => compare(a.arn, b.arn)),
    mappings: mappings.sort((a, b) => compare(a.id, b.id)),
    tagRules: tagRules.sort((a, b) => compare(a.tagKey, b.tagKey)),
    serviceProviders: sps.map(toServiceProvider).sort((a, b) => compare(a.entityId, b.entityId)),
    oidcClients: clients.map(toOidcClient).sort((a, b) => compare(a.clientId, b.clientId)),
    accounts: accounts.sort((a, b) => compare(a.accountId, b.accountId)),
  });
}

export const ACCESS = { access: { select: { groupId: true } } } as const;

const accessIds = (rows: { groupId: string }[]) => rows.map((r) => r.groupId).sort(compare);

export function toGroup({ id, name, description, parentId, version }: Prisma.GroupGetPayload<object>): GroupRecord {
  return { id, name, description, parentId, version };
}

export function toRole({ createdAt: _c, updatedAt: _u, ...r }: Prisma.AwsRoleGetPayload<object>): RoleRecord {
  return { ...r, trustPolicy: r.trustPolicy as JsonObject | null };
}

export function toServiceProvider({ access, createdAt: _c, updatedAt: _u, ...sp }: Prisma.ServiceProviderGetPayload<{ include: typeof ACCESS }>): ServiceProviderRecord {
  return { ...sp, profile: sp.profile as SpProfile, signMode: sp.signMode as SpSignMode, encryptionAlgorithm: sp.encryptionAlgorithm as SpEncryptionAlgorithm, accessGroupIds: accessIds(access) };
}

export function toOidcClient({ access, createdAt: _c, updatedAt: _u, ...c }: Prisma.OidcClientGetPayload<{ include: typeof ACCESS }>): OidcClientRecord {
  return { ...c, metadata: c.metadata as JsonObject, accessGroupIds: accessIds(access) };
}

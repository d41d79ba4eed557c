// SAML service providers and OIDC clients, with the groups allowed to use them.
import { NotFound } from "../../errors.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import * as inputs from "../inputs.ts";
import { ACCESS, toOidcClient, toServiceProvider } from "../load.ts";
import type { OidcClientRecord, ServiceProviderRecord, UpdateOidcClientInput, UpdateServiceProviderInput } from "../types.ts";
import { assertGroupsExist, changedKeys, definedOnly, guarded, type Outcome, type Tx } from "./common.ts";

type SpData = ReturnType<typeof inputs.serviceProvider>;
type ClientData = ReturnType<typeof inputs.oidcClient>;
const stillThere = () => Promise.resolve(true); // read above, and writers are serialised: only the version can differ

export async function createServiceProvider(tx: Tx, i: SpData): Promise<Outcome<ServiceProviderRecord>> {
  const { accessGroupIds, ...data } = i;
  await assertGroupsExist(tx, accessGroupIds, "accessGroupIds");
  const sp = await tx.serviceProvider.create({ data: { ...data, access: { create: accessGroupIds.map((groupId) => ({ groupId })) } }, include: ACCESS });
  return { result: toServiceProvider(sp), target: `sp:${sp.id}`, details: { entityId: sp.entityId, profile: sp.profile, accessGroupIds } };
}

export async function updateServiceProvider(tx: Tx, id: string, version: number, patch: UpdateServiceProviderInput): Promise<Outcome<ServiceProviderRecord>> {
  const current = await tx.serviceProvider.findUnique({ where: { id }, include: ACCESS });
  if (!current) throw new NotFound("No such service provider.");
  const { accessGroupIds, ...data } = inputs.serviceProvider({ ...toServiceProvider(current), ...definedOnly(patch) } as Parameters<typeof inputs.serviceProvider>[0]);
  await guarded("service provider", await tx.serviceProvider.updateMany({ where: { id, version }, data: { ...data, version: { increment: 1 } } }), stillThere);
  if (patch.accessGroupIds !== undefined) await replaceAccess(tx, "sp", id, accessGroupIds);
  const sp = toServiceProvider(await tx.serviceProvider.findUniqueOrThrow({ where: { id }, include: ACCESS }));
  return { result: sp, target: `sp:${id}`, details: { entityId: sp.entityId, changed: changedKeys(patch), accessGroupIds: sp.accessGroupIds } };
}

export async function deleteServiceProvider(tx: Tx, id: string, version: number): Promise<Outcome<void>> {
  const sp = await tx.serviceProvider.findUnique({ where: { id }, select: { entityId: true } });
  if (!sp) throw new NotFound("No such service provider.");
  await guarded("service provider", await tx.serviceProvider.deleteMany({ where: { id, version } }), stillThere);
  return { result: undefined, target: `sp:${id}`, details: { entityId: sp.entityId } };
}

export async function createOidcClient(tx: Tx, i: ClientData): Promise<Outcome<OidcClientRecord>> {
  const { accessGroupIds, metadata, ...data } = i;
  await assertGroupsExist(tx, accessGroupIds, "accessGroupIds");
  const c = await tx.oidcClient.create({
    data: { ...data, metadata: metadata as Prisma.InputJsonObject, access: { create: accessGroupIds.map((groupId) => ({ groupId })) } },
    include: ACCESS,
  });
  return { result: toOidcClient(c), target: `oidc_client:${c.id}`, details: { clientId: c.clientId, confidential: c.secretEnc !== null, accessGroupIds } };
}

export async function updateOidcClient(tx: Tx, id: string, version: number, patch: UpdateOidcClientInput): Promise<Outcome<OidcClientRecord>> {
  const current = await tx.oidcClient.findUnique({ where: { id }, include: ACCESS });
  if (!current) throw new NotFound("No such OIDC client.");
  const merged = inputs.oidcClient({ ...toOidcClient(current), ...definedOnly(patch) } as Parameters<typeof inputs.oidcClient>[0]);
  const { accessGroupIds, metadata, ...data } = merged;
  const update = { ...data, metadata: metadata as Prisma.InputJsonObject, version: { increment: 1 } };
  await guarded("OIDC client", await tx.oidcClient.updateMany({ where: { id, version }, data: update }), stillThere);
  if (patch.accessGroupIds !== undefined) await replaceAccess(tx, "client", id, accessGroupIds);
  const c = toOidcClient(await tx.oidcClient.findUniqueOrThrow({ where: { id }, include: ACCESS }));
  // the secret itself never goes to the audit log; "changed" names it when it was replaced
  return { result: c, target: `oidc_client:${id}`, details: { clientId: c.clientId, changed: changedKeys(patch), accessGroupIds: c.accessGroupIds } };
}

export async function deleteOidcClient(tx: Tx, id: string, version: number): Promise<Outcome<void>> {
  const c = await tx.oidcClient.findUnique({ where: { id }, select: { clientId: true } });
  if (!c) throw new NotFound("No such OIDC client.");
  await guarded("OIDC client", await tx.oidcClient.deleteMany({ where: { id, version } }), stillThere);
  return { result: undefined, target: `oidc_client:${id}`, details: { clientId: c.clientId } };
}

async function replaceAccess(tx: Tx, kind: "sp" | "client", id: string, groupIds: string[]): Promise<void> {
  await assertGroupsExist(tx, groupIds, "accessGroupIds");
  if (kind === "sp") {
    await tx.serviceProviderAccess.deleteMany({ where: { spId: id } });
    await tx.serviceProviderAccess.createMany({ data: groupIds.map((groupId) => ({ spId: id, groupId })) });
  } else {
    await tx.oidcClientAccess.deleteMany({ where: { clientId: id } });
    await tx.oidcClientAccess.createMany({ data: groupIds.map((groupId) => ({ clientId: id, groupId })) });
  }
}

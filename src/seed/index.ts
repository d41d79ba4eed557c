// Seeds the demo directory (DESIGN.md "Demo data") into an empty database. Every step is
// "create if missing", so a seed interrupted half-way is completed by the next run, and two
// instances booting together on one empty PostgreSQL database both end with the same directory
// (the loser of each unique-key race simply finds the winner's row).
import type { Services } from "../services.ts";
import { sealClientSecret } from "../oidc/index.ts";
import { Conflict } from "../errors.ts";
import type { DirectorySnapshot, JsonObject } from "../directory/index.ts";
import {
  DEMO_ACCOUNT,
  DEMO_CLIENTS,
  DEMO_GROUPS,
  DEMO_MACHINE_CLIENTS,
  DEMO_ROLES,
  DEMO_SAML_PROVIDER_ARN,
  DEMO_TAG_RULES,
  DEMO_USERS,
  demoTrustPolicy,
  localAwsAcs,
  oidcProviderArn,
  roleArn,
} from "./demo-data.ts";

export * from "./demo-data.ts";

const ACTOR = "system:seed";
export const AWS_SP_ENTITY_ID = "urn:amazon:webservices";

/** Seeds when the directory has no users; returns whether it did. */
export async function seedDemoIfEmpty(services: Services): Promise<boolean> {
  const users = await services.db.prisma.user.count();
  if (users > 0) return false;
  await seedDemo(services);
  return true;
}

/** Creates whatever part of the demo directory is missing. Idempotent. */
export async function seedDemo(services: Services): Promise<void> {
  const { directory, config } = services;
  const baseUrl = config.baseUrl;
  const fresh = async () => {
    directory.invalidate();
    return directory.snapshot();
  };
  let snap = await fresh();

  for (const g of DEMO_GROUPS) {
    if (!snap.groupByName.has(g.name)) await ignoreConflict(() => directory.createGroup({ name: g.name, description: g.description }, ACTOR));
  }
  snap = await fresh();
  const groupId = (name: string) => must(snap.groupByName.get(name), `group ${name}`).id;

  for (const u of DEMO_USERS) {
    if (await directory.findUserByUsername(u.username)) continue;
    await ignoreConflict(() =>
      directory.createUser(
        {
          username: u.username,
          email: u.email,
          displayName: u.displayName,
          attributes: { ...u.attributes } as JsonObject,
          password: config.demoPassword,
          groupIds: u.groups.map(groupId),
        },
        ACTOR,
      ),
    );
  }

  for (const r of DEMO_ROLES) {
    const arn = roleArn(r.name);
    if (!snap.roleByArn.has(arn)) {
      await ignoreConflict(() =>
        directory.createRole(
          { arn, samlProviderArn: DEMO_SAML_PROVIDER_ARN, maxSessionDuration: 3600 * 4, trustPolicy: demoTrustPolicy(baseUrl) as JsonObject, description: r.description },
          ACTOR,
        ),
      );
    }
  }
  snap = await fresh();
  for (const r of DEMO_ROLES) {
    const role = must(snap.roleByArn.get(roleArn(r.name)), `role ${r.name}`);
    const gid = groupId(r.group);
    if (!(snap.mappingsByGroup.get(gid) ?? []).some((m) => m.roleId === role.id)) {
      await ignoreConflict(() => directory.mapGroupToRole({ groupId: gid, roleId: role.id }, ACTOR));
    }
  }

  for (const rule of DEMO_TAG_RULES) {
    if (!snap.tagRules.some((t) => t.tagKey === rule.tagKey)) await ignoreConflict(() => directory.createTagRule({ ...rule }, ACTOR));
  }

  if (!snap.spByEntityId.has(AWS_SP_ENTITY_ID)) {
    await ignoreConflict(() =>
      directory.createServiceProvider(
        { entityId: AWS_SP_ENTITY_ID, name: "Amazon Web Services", acsUrls: [localAwsAcs(baseUrl)], profile: "aws" },
        ACTOR,
      ),
    );
  }

  for (const c of DEMO_CLIENTS) {
    if (!snap.clientByClientId.has(c.clientId)) {
      await ignoreConflict(() =>
        directory.createOidcClient({ clientId: c.clientId, name: c.name, firstParty: c.firstParty, metadata: structuredClone(c.metadata) as unknown as JsonObject }, ACTOR),
      );
    }
  }

  for (const c of DEMO_MACHINE_CLIENTS) {
    if (!snap.clientByClientId.has(c.clientId)) {
      await ignoreConflict(() =>
        directory.createOidcClient(
          {
            clientId: c.clientId,
            name: c.name,
            firstParty: true,
            metadata: structuredClone(c.metadata) as unknown as JsonObject,
            secretEnc: sealClientSecret(services.box, c.clientId, config.demoPassword),
            accessGroupIds: c.groups.map(groupId),
          },
          ACTOR,
        ),
      );
    }
  }

  await seedStsProviders(services, snap);
  directory.invalidate();
}

/**
 * The built-in IdP as the demo account's IAM SAML and OIDC providers. Their certificates and JWKS
 * come from the key service at verification time (builtIn), so nothing key-related is stored here.
 */
async function seedStsProviders(services: Services, _snap: DirectorySnapshot): Promise<void> {
  const { prisma } = services.db;
  const baseUrl = services.config.baseUrl;
  const providers = [
    { arn: DEMO_SAML_PROVIDER_ARN, kind: "saml", issuer: baseUrl, clientIds: [] as string[] },
    { arn: oidcProviderArn(baseUrl), kind: "oidc", issuer: baseUrl, clientIds: DEMO_CLIENTS.map((c) => c.clientId) },
  ];
  // createMany + skipDuplicates is one INSERT ... ON CONFLICT DO NOTHING: unlike upsert (a read,
  // then a write) it stays correct when two instances seed the same empty database at once.
  await prisma.stsIdentityProvider.createMany({
    data: providers.map((p) => ({ ...p, accountId: DEMO_ACCOUNT, certificates: [], builtIn: true })),
    skipDuplicates: true,
  });
}

async function ignoreConflict(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
  }
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`demo seed: ${what} is missing after creating it`);
  return value;
}

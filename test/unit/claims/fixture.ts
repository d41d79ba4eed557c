// A small in-memory directory for claims tests: build groups, roles, mappings, rules and apps,
// then take a snapshot exactly as the directory service would.
import { buildFederatedIdentity, type BuildInput, type BuildResult } from "../../../src/claims/index.ts";
import {
  createSnapshot,
  effectiveGroupsOf,
  type DirectorySnapshot,
  type DirectoryUser,
  type GroupRecord,
  type JsonObject,
  type MappingRecord,
  type OidcClientRecord,
  type RoleRecord,
  type ServiceProviderRecord,
  type TagRuleRecord,
} from "../../../src/directory/index.ts";

export const ACCOUNT = "111122223333";
export const SAML_PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/idp-gateway`;
export const ISSUER = "http://127.0.0.1:4000";
export const AWS_SP = "urn:amazon:webservices";
export const AUTH_TIME = new Date("2026-01-02T03:04:05.678Z");

let seq = 0;
const newId = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;

export class Fixture {
  groups: GroupRecord[] = [];
  roles: RoleRecord[] = [];
  mappings: MappingRecord[] = [];
  tagRules: TagRuleRecord[] = [];
  serviceProviders: ServiceProviderRecord[] = [
    {
      id: newId(),
      entityId: AWS_SP,
      name: "AWS",
      acsUrls: [`${ISSUER}/aws/saml`],
      sloUrl: null,
      certificates: [],
      wantAuthnRequestsSigned: false,
      encryptAssertions: false,
      nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
      profile: "aws",
      signMode: "assertion",
      encryptionAlgorithm: "aes256-gcm",
      version: 1,
      accessGroupIds: [],
    },
  ];
  oidcClients: OidcClientRecord[] = [];

  group(name: string, parent?: GroupRecord): GroupRecord {
    const g = { id: newId(), name, description: null, parentId: parent?.id ?? null, version: 1 };
    this.groups.push(g);
    return g;
  }

  role(name: string, maxSessionDuration = 3600, arn = `arn:aws:iam::${ACCOUNT}:role/${name}`): RoleRecord {
    const r = { id: newId(), arn, samlProviderArn: SAML_PROVIDER, maxSessionDuration, trustPolicy: null, description: null, version: 1 };
    this.roles.push(r);
    return r;
  }

  map(group: GroupRecord, role: RoleRecord, sessionDuration: number | null = null): void {
    this.mappings.push({ id: newId(), groupId: group.id, roleId: role.id, sessionDuration, version: 1 });
  }

  tag(attribute: string, tagKey: string, transitive = false): void {
    this.tagRules.push({ id: newId(), attribute, tagKey, transitive });
  }

  sp(entityId: string, access: GroupRecord[] = []): void {
    this.serviceProviders.push({ ...this.serviceProviders[0]!, id: newId(), entityId, name: entityId, profile: "generic", accessGroupIds: access.map((g) => g.id) });
  }

  client(clientId: string, access: GroupRecord[] = []): void {
    this.oidcClients.push({ id: newId(), clientId, name: clientId, metadata: {}, secretEnc: null, firstParty: true, version: 1, accessGroupIds: access.map((g) => g.id) });
  }

  user(username: string, groups: GroupRecord[] = [], extra: { attributes?: JsonObject; email?: string; displayName?: string; disabled?: boolean } = {}): DirectoryUser {
    return {
      id: newId(),
      username,
      email: extra.email ?? null,
      displayName: extra.displayName ?? null,
      attributes: extra.attributes ?? {},
      disabled: extra.disabled ?? false,
      version: 1,
      groupIds: groups.map((g) => g.id),
      createdAt: AUTH_TIME,
      updatedAt: AUTH_TIME,
    };
  }

  snapshot(): DirectorySnapshot {
    return createSnapshot({
      version: 1,
      groups: this.groups,
      roles: this.roles,
      mappings: this.mappings,
      tagRules: this.tagRules,
      serviceProviders: this.serviceProviders,
      oidcClients: this.oidcClients,
      accounts: [],
    });
  }

  /** buildFederatedIdentity the way a protocol module calls it (AWS SP over SAML unless told otherwise). */
  build(user: DirectoryUser, opts: Partial<BuildInput> = {}): BuildResult {
    const snapshot = opts.snapshot ?? this.snapshot();
    return buildFederatedIdentity({
      user,
      snapshot,
      effectiveGroups: effectiveGroupsOf(snapshot, user.groupIds),
      target: { kind: "saml", id: AWS_SP },
      issuer: ISSUER,
      authTime: AUTH_TIME,
      mfa: false,
      amr: ["pwd"],
      ...opts,
    });
  }
}

/** The demo directory of DESIGN.md. */
export function demo() {
  const fx = new Fixture();
  const engineering = fx.group("engineering");
  const admins = fx.group("admins");
  const finance = fx.group("finance");
  fx.map(engineering, fx.role("Engineer"));
  fx.map(admins, fx.role("ReadOnly"));
  fx.map(finance, fx.role("Finance"));
  fx.tag("department", "Department");
  fx.tag("costCenter", "CostCenter", true);
  const alice = fx.user("alice", [engineering, admins], {
    email: "alice@example.com",
    displayName: "Alice Example",
    attributes: { department: "engineering", costCenter: "1234" },
  });
  const bob = fx.user("bob", [finance], { email: "bob@example.com", displayName: "Bob Example", attributes: { department: "finance" } });
  const admin = fx.user("admin", [admins]);
  return { fx, engineering, admins, finance, alice, bob, admin };
}

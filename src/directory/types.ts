// The directory's public shapes: cached records (read-only, frozen), the snapshot that hot paths
// read, and the inputs of audited writes. No Prisma types leak out of this folder.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A user as the directory caches it: no password hash, no TOTP secret (those stay with auth). */
export interface DirectoryUser {
  readonly id: string;
  readonly username: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly attributes: Readonly<JsonObject>;
  readonly disabled: boolean;
  readonly version: number;
  /** direct memberships only; see DirectoryService.effectiveGroups for nesting */
  readonly groupIds: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly parentId: string | null;
  readonly version: number;
}

export interface RoleRecord {
  readonly id: string;
  readonly arn: string;
  readonly samlProviderArn: string;
  readonly maxSessionDuration: number;
  readonly trustPolicy: Readonly<JsonObject> | null;
  readonly description: string | null;
  readonly version: number;
}

export interface MappingRecord {
  readonly id: string;
  readonly groupId: string;
  readonly roleId: string;
  /** cap for sessions granted through this mapping; null = the role's maximum */
  readonly sessionDuration: number | null;
  readonly version: number;
}

/** A name for an AWS account ID (usually its IAM account alias), shown next to roles. */
export interface AccountRecord {
  readonly accountId: string;
  readonly alias: string;
}

export interface TagRuleRecord {
  readonly id: string;
  readonly attribute: string;
  readonly tagKey: string;
  readonly transitive: boolean;
}

export type SpProfile = "aws" | "generic";
/** what the SAML IdP signs for this SP */
export type SpSignMode = "assertion" | "response" | "both";
/** content encryption of assertions to this SP (the key is always wrapped with RSA-OAEP) */
export type SpEncryptionAlgorithm = "aes256-gcm" | "aes256-cbc";

export interface ServiceProviderRecord {
  readonly id: string;
  readonly entityId: string;
  readonly name: string;
  readonly acsUrls: readonly string[];
  readonly sloUrl: string | null;
  readonly certificates: readonly string[];
  readonly wantAuthnRequestsSigned: boolean;
  readonly encryptAssertions: boolean;
  readonly nameIdFormat: string;
  readonly profile: SpProfile;
  readonly signMode: SpSignMode;
  readonly encryptionAlgorithm: SpEncryptionAlgorithm;
  readonly version: number;
  /** empty = everyone may use it */
  readonly accessGroupIds: readonly string[];
}

export interface OidcClientRecord {
  readonly id: string;
  readonly clientId: string;
  readonly name: string;
  readonly metadata: Readonly<JsonObject>;
  /** encrypted under the master key (keys/); null for public clients */
  readonly secretEnc: string | null;
  readonly firstParty: boolean;
  readonly version: number;
  /** empty = everyone may use it */
  readonly accessGroupIds: readonly string[];
}

export interface SnapshotParts {
  version: number;
  groups: readonly GroupRecord[];
  roles: readonly RoleRecord[];
  mappings: readonly MappingRecord[];
  tagRules: readonly TagRuleRecord[];
  serviceProviders: readonly ServiceProviderRecord[];
  oidcClients: readonly OidcClientRecord[];
  /** sorted by account ID */
  accounts: readonly AccountRecord[];
}

/** Everything but users, loaded at once and indexed; what SAML, OIDC and STS read per request. */
export interface DirectorySnapshot extends Readonly<SnapshotParts> {
  readonly groupById: ReadonlyMap<string, GroupRecord>;
  readonly groupByName: ReadonlyMap<string, GroupRecord>;
  readonly roleById: ReadonlyMap<string, RoleRecord>;
  readonly roleByArn: ReadonlyMap<string, RoleRecord>;
  readonly mappingsByGroup: ReadonlyMap<string, readonly MappingRecord[]>;
  readonly spByEntityId: ReadonlyMap<string, ServiceProviderRecord>;
  readonly clientByClientId: ReadonlyMap<string, OidcClientRecord>;
  /** account ID → its name */
  readonly aliasByAccount: ReadonlyMap<string, string>;
}

// ---------------------------------------------------------------- write inputs

export interface CreateUserInput {
  username: string;
  email?: string | null;
  displayName?: string | null;
  attributes?: JsonObject;
  /** hashed with PasswordHasher; omit for users who only sign in through an upstream IdP */
  password?: string;
  disabled?: boolean;
  groupIds?: readonly string[];
}

export interface UpdateUserInput {
  email?: string | null;
  displayName?: string | null;
  attributes?: JsonObject;
}

export interface CreateGroupInput {
  name: string;
  description?: string | null;
  parentId?: string | null;
}

export interface UpdateGroupInput {
  name?: string;
  description?: string | null;
  parentId?: string | null;
}

export interface CreateRoleInput {
  arn: string;
  samlProviderArn: string;
  maxSessionDuration?: number;
  /** an object or its JSON text */
  trustPolicy?: JsonObject | string | null;
  description?: string | null;
}

export type UpdateRoleInput = Partial<CreateRoleInput>;

export interface MapGroupInput {
  groupId: string;
  roleId: string;
  sessionDuration?: number | null;
}

export interface TagRuleInput {
  attribute: string;
  tagKey: string;
  transitive?: boolean;
}

export interface ServiceProviderInput {
  entityId: string;
  name: string;
  acsUrls: readonly string[];
  sloUrl?: string | null;
  certificates?: readonly string[];
  wantAuthnRequestsSigned?: boolean;
  encryptAssertions?: boolean;
  nameIdFormat?: string;
  profile?: SpProfile;
  signMode?: SpSignMode;
  encryptionAlgorithm?: SpEncryptionAlgorithm;
  accessGroupIds?: readonly string[];
}

export type UpdateServiceProviderInput = Partial<ServiceProviderInput>;

export interface OidcClientInput {
  clientId: string;
  name: string;
  metadata: JsonObject;
  /** already encrypted by the caller (keys/CryptoBox); null for public clients */
  secretEnc?: string | null;
  firstParty?: boolean;
  accessGroupIds?: readonly string[];
}

export type UpdateOidcClientInput = Partial<OidcClientInput>;

export interface ListUsersQuery {
  /** case-insensitive substring of username, email or display name */
  search?: string;
  offset?: number;
  limit?: number;
}

export interface UserPage {
  users: DirectoryUser[];
  total: number;
}

export interface AppsForUser {
  serviceProviders: ServiceProviderRecord[];
  oidcClients: OidcClientRecord[];
}

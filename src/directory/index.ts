// The directory: users, groups, AWS roles, group → role mappings, attribute → tag rules, and the
// apps (SAML SPs, OIDC clients) with the groups allowed to use them. Cached reads, audited writes.
export { DirectoryService, DIRECTORY_CHANNEL, type DirectoryServiceOptions } from "./service.ts";
export type { AfterCreate, AlsoInTx } from "./writes/common.ts";
export { appsFor, compare, createSnapshot, effectiveGroupsOf, hasAccess } from "./snapshot.ts";
export * from "./types.ts";
export {
  MAX_SESSION_TAGS,
  MAX_TAG_RULES,
  NAMEID_FORMATS,
  PARTITIONS,
  ROLE_MAX_SESSION,
  SESSION_DURATION,
  attributeNameProblem,
  attributesProblem,
  certificateProblem,
  emailProblem,
  groupNameProblem,
  isId,
  mappingSessionDurationProblem,
  maxSessionDurationProblem,
  normalizeUsername,
  oidcProviderArnProblem,
  parseOidcProviderArn,
  parseRoleArn,
  parseSamlProviderArn,
  parseTrustPolicy,
  roleArnProblem,
  samlProviderArnProblem,
  sessionDurationProblem,
  tagKeyProblem,
  tagValueProblem,
  urlProblem,
  usernameProblem,
  type Partition,
  type Problem,
  type ProviderArnParts,
  type RoleArnParts,
} from "./validation.ts";

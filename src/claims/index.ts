// Claims: builds the protocol-neutral FederatedIdentity from the directory snapshot.
// saml/ and oidc/ encode it, sts/ decodes it; none of them decide roles or tags themselves.
export { buildFederatedIdentity } from "./build.ts";
export { checkTargetAccess } from "./access.ts";
export { oidcProviderName, providerArnFor, rolesFor, sessionDurationFor } from "./roles.ts";
export { roleSessionNameFor, sourceIdentityFor } from "./session-name.ts";
export { sessionTagsFor, type SessionTags } from "./tags.ts";
export {
  NAMEID_PERSISTENT,
  type BuildInput,
  type BuildResult,
  type ClaimsTarget,
  type DroppedTag,
  type FederatedIdentity,
  type FederatedRole,
} from "./types.ts";

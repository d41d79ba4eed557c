// IAM policy language: ARNs, policy parsing, evaluation, trust checks, session-policy
// intersection, AWSRevokeOlderSessions revocation and the PackedPolicySize approximation.
export { MalformedPolicyDocument, InvalidArn } from "./errors.ts";
export type * from "./types.ts";
export {
  parseArn,
  formatArn,
  isArn,
  splitArn,
  parseRoleArn,
  formatRoleArn,
  parseAssumedRoleArn,
  formatAssumedRoleArn,
  parseSamlProviderArn,
  formatSamlProviderArn,
  parseOidcProviderArn,
  formatOidcProviderArn,
  arnLike,
  type Arn,
  type RoleArn,
  type AssumedRoleArn,
} from "./arn.ts";
export { parsePolicy, type ParseOptions, type PolicyKind } from "./parse.ts";
export { evaluate, type PolicyInput } from "./evaluate.ts";
export { evaluateTrust, type AssumeRoleAction, type TrustRequest, type TrustEvaluation } from "./trust.ts";
export { intersect, type PolicyLayer } from "./intersect.ts";
export type { CombinedEvaluation, Part } from "./combine.ts";
export {
  REVOKE_OLDER_SESSIONS_POLICY_NAME,
  revokeOlderSessionsDocument,
  revokeOlderSessionsPolicy,
  checkRevocation,
} from "./revocation.ts";
export { packedPolicySize, PACKED_POLICY_LIMIT_BYTES, type PackedPolicyInput } from "./packed-size.ts";
export { globMatch } from "./wildcard.ts";

// The AWS web-identity claims (reference/sts.md §3b), both halves of the codec:
//   encodeAwsClaims: FederatedIdentity → claims for the ID token (the `aws` scope);
//   decodeAwsClaims: the payload of a *verified* JWT → the AWS-relevant part of the identity,
//   with AWS's rules enforced (the STS's AssumeRoleWithWebIdentity uses this).
// Pure: no JWT handling here. AWS reads these claims from the ID token itself, not from userinfo.
import type { FederatedIdentity } from "../claims/index.ts";
import { Invalid } from "../errors.ts";
import { MAX_SESSION_TAGS, tagKeyProblem, tagValueProblem } from "../directory/index.ts";

export const AWS_TAGS_CLAIM = "https://aws.amazon.com/tags";
export const AWS_SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity";
/** Role ARNs the subject may take; informational for clients choosing a RoleArn (AWS ignores it). */
export const ROLES_CLAIM = "roles";

export interface AwsTagsClaim {
  principal_tags: Record<string, [string]>;
  transitive_tag_keys?: string[];
}

export interface AwsWebIdentityClaims {
  [AWS_TAGS_CLAIM]?: AwsTagsClaim;
  [AWS_SOURCE_IDENTITY_CLAIM]?: string;
  [ROLES_CLAIM]: string[];
}

/** What a verified token says about the session, once decoded. */
export interface AwsTokenClaims {
  subject: string;
  issuer: string;
  roles: string[];
  sourceIdentity?: string;
  principalTags: Record<string, string>;
  transitiveTagKeys: string[];
  /** amr contains "mfa" */
  mfa: boolean;
  authTime?: Date;
}

export function encodeAwsClaims(identity: FederatedIdentity): AwsWebIdentityClaims {
  const claims: AwsWebIdentityClaims = { [ROLES_CLAIM]: identity.roles.map((r) => r.roleArn) };
  const keys = Object.keys(identity.principalTags).sort();
  if (keys.length > 0) {
    const tags: AwsTagsClaim = { principal_tags: Object.fromEntries(keys.map((k) => [k, [identity.principalTags[k]!]])) };
    if (identity.transitiveTagKeys.length > 0) tags.transitive_tag_keys = [...identity.transitiveTagKeys];
    claims[AWS_TAGS_CLAIM] = tags;
  }
  if (identity.sourceIdentity !== undefined) claims[AWS_SOURCE_IDENTITY_CLAIM] = identity.sourceIdentity;
  return claims;
}

/** Throws Invalid (the STS answers InvalidIdentityToken) when an AWS claim breaks AWS's rules. */
export function decodeAwsClaims(payload: Readonly<Record<string, unknown>>): AwsTokenClaims {
  const subject = payload.sub;
  const issuer = payload.iss;
  if (typeof subject !== "string" || subject.length < 6 || subject.length > 255) throw new Invalid("The token's sub claim must be a string of 6–255 characters.");
  if (typeof issuer !== "string" || issuer === "") throw new Invalid("The token has no iss claim.");

  const roles = payload[ROLES_CLAIM];
  const sourceIdentity = payload[AWS_SOURCE_IDENTITY_CLAIM];
  if (sourceIdentity !== undefined && (typeof sourceIdentity !== "string" || !/^[\w+=,.@-]{2,64}$/u.test(sourceIdentity) || /^aws:/i.test(sourceIdentity))) {
    throw new Invalid("The source_identity claim must be 2–64 characters of [\\w+=,.@-] and must not start with aws:.");
  }

  const { principalTags, transitiveTagKeys } = decodeTags(payload[AWS_TAGS_CLAIM]);
  const amr = Array.isArray(payload.amr) ? payload.amr : [];
  const authTime = typeof payload.auth_time === "number" ? new Date(payload.auth_time * 1000) : undefined;
  return {
    subject,
    issuer,
    roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [],
    sourceIdentity: sourceIdentity as string | undefined,
    principalTags,
    transitiveTagKeys,
    mfa: amr.includes("mfa") || amr.includes("otp"),
    authTime,
  };
}

function decodeTags(claim: unknown): { principalTags: Record<string, string>; transitiveTagKeys: string[] } {
  if (claim === undefined) return { principalTags: {}, transitiveTagKeys: [] };
  if (!isObject(claim) || !isObject(claim.principal_tags)) throw new Invalid(`The ${AWS_TAGS_CLAIM} claim must be an object with principal_tags.`);
  const principalTags: Record<string, string> = {};
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(claim.principal_tags)) {
    // Multi-valued tags are not supported: each value is a one-element array of a string.
    if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== "string") {
      throw new Invalid(`Session tag ${JSON.stringify(key)} must be a one-element array of a string.`);
    }
    const problem = tagKeyProblem(key) ?? tagValueProblem(value[0]);
    if (problem) throw new Invalid(`Session tag ${JSON.stringify(key)}: ${problem}`);
    if (lower.has(key.toLowerCase())) throw new Invalid(`Session tag ${JSON.stringify(key)} is passed more than once.`);
    lower.set(key.toLowerCase(), key);
    principalTags[key] = value[0];
  }
  if (lower.size > MAX_SESSION_TAGS) throw new Invalid(`At most ${MAX_SESSION_TAGS} session tags may be passed.`);

  const transitive = claim.transitive_tag_keys ?? [];
  if (!Array.isArray(transitive) || !transitive.every((k) => typeof k === "string")) throw new Invalid("transitive_tag_keys must be a list of tag keys.");
  const transitiveTagKeys = [...new Set((transitive as string[]).map((k) => {
    const key = lower.get(k.toLowerCase());
    if (key === undefined) throw new Invalid(`Transitive tag key ${JSON.stringify(k)} is not one of the session tags.`);
    return key;
  }))].sort();
  return { principalTags, transitiveTagKeys };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

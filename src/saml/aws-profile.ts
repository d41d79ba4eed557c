// The AWS SAML attribute profile (reference/sts.md §3), both halves of the codec:
//   encodeAwsAttributes: FederatedIdentity → the attributes the IdP puts into an assertion;
//   decodeAwsAttributes: attributes read from a *verified* assertion → the AWS-relevant part of
//   FederatedIdentity, with AWS's rules enforced (the STS's AssumeRoleWithSAML uses this).
// Pure: no XML here. The XML layer extracts attributes only from what the signature covered.
import type { FederatedIdentity } from "../claims/index.ts";
import { Invalid } from "../errors.ts";
import { tagKeyProblem, tagValueProblem, MAX_SESSION_TAGS, SESSION_DURATION } from "../directory/index.ts";

export const AWS_ATTRIBUTE_PREFIX = "https://aws.amazon.com/SAML/Attributes/";
export const AWS_ATTRIBUTES = {
  role: `${AWS_ATTRIBUTE_PREFIX}Role`,
  roleSessionName: `${AWS_ATTRIBUTE_PREFIX}RoleSessionName`,
  sessionDuration: `${AWS_ATTRIBUTE_PREFIX}SessionDuration`,
  principalTagPrefix: `${AWS_ATTRIBUTE_PREFIX}PrincipalTag:`,
  transitiveTagKeys: `${AWS_ATTRIBUTE_PREFIX}TransitiveTagKeys`,
  sourceIdentity: `${AWS_ATTRIBUTE_PREFIX}SourceIdentity`,
} as const;
export const AWS_AUDIENCE = "urn:amazon:webservices";
export const ATTRNAME_FORMAT_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";

export interface SamlAttribute {
  name: string;
  /** NameFormat; AWS ignores it, generic SPs may not */
  nameFormat?: string;
  values: string[];
}

/** A role the assertion offers: the pair AWS reads from one Role attribute value. */
export interface AwsRolePair {
  roleArn: string;
  providerArn: string;
}

/** What an AWS-profile assertion says about the session, once decoded. */
export interface AwsSamlClaims {
  roles: AwsRolePair[];
  roleSessionName: string;
  sessionDuration?: number;
  sourceIdentity?: string;
  principalTags: Record<string, string>;
  transitiveTagKeys: string[];
}

const NAME_CHARS = /^[\w+=,.@-]{2,64}$/u;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/u;
const PROVIDER_ARN = /^arn:aws[\w-]*:iam::\d{12}:saml-provider\/[\w.-]+$/u;

/** One attribute per AWS rule; tags and transitive keys only when there are roles to tag. */
export function encodeAwsAttributes(identity: FederatedIdentity): SamlAttribute[] {
  const attr = (name: string, values: string[]): SamlAttribute => ({ name, nameFormat: ATTRNAME_FORMAT_URI, values });
  const out: SamlAttribute[] = [
    attr(AWS_ATTRIBUTES.role, identity.roles.map((r) => `${r.roleArn},${r.providerArn}`)),
    attr(AWS_ATTRIBUTES.roleSessionName, [identity.roleSessionName]),
  ];
  if (identity.sessionDuration !== undefined) out.push(attr(AWS_ATTRIBUTES.sessionDuration, [String(identity.sessionDuration)]));
  if (identity.sourceIdentity !== undefined) out.push(attr(AWS_ATTRIBUTES.sourceIdentity, [identity.sourceIdentity]));
  for (const key of Object.keys(identity.principalTags).sort()) {
    out.push(attr(`${AWS_ATTRIBUTES.principalTagPrefix}${key}`, [identity.principalTags[key]!]));
  }
  if (identity.transitiveTagKeys.length > 0) out.push(attr(AWS_ATTRIBUTES.transitiveTagKeys, [...identity.transitiveTagKeys]));
  return out;
}

/**
 * Reads AWS's attributes. Throws Invalid (the STS answers InvalidIdentityToken) when a required
 * attribute is missing, repeated or out of AWS's limits. Attributes outside the AWS prefix are
 * ignored, as AWS does.
 */
export function decodeAwsAttributes(attributes: readonly SamlAttribute[]): AwsSamlClaims {
  const byName = new Map<string, string[]>();
  for (const a of attributes) {
    if (!a.name.startsWith(AWS_ATTRIBUTE_PREFIX)) continue;
    if (byName.has(a.name)) throw new Invalid(`The attribute ${a.name} appears more than once.`);
    byName.set(a.name, a.values);
  }
  const single = (name: string): string | undefined => {
    const values = byName.get(name);
    if (values === undefined) return undefined;
    if (values.length !== 1) throw new Invalid(`The attribute ${name} must have exactly one value.`);
    return values[0]!;
  };

  const roleValues = byName.get(AWS_ATTRIBUTES.role);
  if (!roleValues || roleValues.length === 0) throw new Invalid(`The assertion has no ${AWS_ATTRIBUTES.role} attribute.`);
  const roles = roleValues.map(parseRolePair);

  const roleSessionName = single(AWS_ATTRIBUTES.roleSessionName);
  if (roleSessionName === undefined) throw new Invalid(`The assertion has no ${AWS_ATTRIBUTES.roleSessionName} attribute.`);
  if (!NAME_CHARS.test(roleSessionName)) throw new Invalid("RoleSessionName must be 2–64 characters of [\\w+=,.@-].");

  const durationText = single(AWS_ATTRIBUTES.sessionDuration);
  let sessionDuration: number | undefined;
  if (durationText !== undefined) {
    sessionDuration = /^\d{1,6}$/.test(durationText) ? Number(durationText) : Number.NaN;
    if (!(sessionDuration >= SESSION_DURATION.min && sessionDuration <= SESSION_DURATION.max)) {
      throw new Invalid(`SessionDuration must be a whole number of seconds from ${SESSION_DURATION.min} to ${SESSION_DURATION.max}.`);
    }
  }

  const sourceIdentity = single(AWS_ATTRIBUTES.sourceIdentity);
  if (sourceIdentity !== undefined && (!NAME_CHARS.test(sourceIdentity) || /^aws:/i.test(sourceIdentity))) {
    throw new Invalid("SourceIdentity must be 2–64 characters of [\\w+=,.@-] and must not start with aws:.");
  }

  const principalTags: Record<string, string> = {};
  const seenKeys = new Set<string>();
  for (const name of byName.keys()) {
    if (!name.startsWith(AWS_ATTRIBUTES.principalTagPrefix)) continue;
    const key = name.slice(AWS_ATTRIBUTES.principalTagPrefix.length);
    const value = single(name)!;
    const problem = tagKeyProblem(key) ?? tagValueProblem(value);
    if (problem) throw new Invalid(`Session tag ${JSON.stringify(key)}: ${problem}`);
    // Tag keys are case-insensitive in AWS: two spellings of one key is a duplicate.
    if (seenKeys.has(key.toLowerCase())) throw new Invalid(`Session tag ${JSON.stringify(key)} is passed more than once.`);
    seenKeys.add(key.toLowerCase());
    principalTags[key] = value;
  }
  if (seenKeys.size > MAX_SESSION_TAGS) throw new Invalid(`At most ${MAX_SESSION_TAGS} session tags may be passed.`);

  const transitive = byName.get(AWS_ATTRIBUTES.transitiveTagKeys) ?? [];
  const tagKeyByLower = new Map(Object.keys(principalTags).map((k) => [k.toLowerCase(), k]));
  const transitiveTagKeys = [...new Set(transitive.map((k) => {
    const key = tagKeyByLower.get(k.toLowerCase());
    if (key === undefined) throw new Invalid(`Transitive tag key ${JSON.stringify(k)} is not one of the session tags.`);
    return key;
  }))].sort();

  return { roles, roleSessionName, sessionDuration, sourceIdentity, principalTags, transitiveTagKeys };
}

/** "role-arn,provider-arn" in either order (AWS accepts both in practice; sts.md §3). */
export function parseRolePair(value: string): AwsRolePair {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (ROLE_ARN.test(a) && PROVIDER_ARN.test(b)) return { roleArn: a, providerArn: b };
    if (ROLE_ARN.test(b) && PROVIDER_ARN.test(a)) return { roleArn: b, providerArn: a };
  }
  throw new Invalid(`The Role attribute value ${JSON.stringify(value.slice(0, 200))} is not "role-arn,saml-provider-arn".`);
}

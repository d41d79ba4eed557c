// The STS model's parameter shapes (sts.md §2; patterns and lengths verbatim from the model,
// botocore data/sts/2011-06-15/service-2.json). Building blocks are optional; call .required()
// where the operation requires them, or take a whole operation from `stsActionParams`.
import { IntegerParam, ListParam, StructParam, StringParam, type Pattern } from "./schema.ts";

const pattern = (source: string, text: string): Pattern => ({ re: new RegExp(`^(?:${source})$`, "u"), text });

const PATTERNS = {
  /**
   * arnType. Real STS rejects supplementary characters here although the text names
   * \u10000-\u10FFFF (its Java regex reads that as "\u1000, 0-\u10FF, F, F"); a BMP-only class
   * with the `u` flag behaves the same, so an ARN of emoji fails the pattern as on AWS.
   */
  arn: pattern(
    String.raw`[\t\n\r\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD]+`,
    String.raw`[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`,
  ),
  /** roleSessionNameType, sourceIdentityType, userNameType (\w is ASCII in Java and JS) */
  name: pattern(String.raw`[\w+=,.@-]*`, String.raw`[\w+=,.@-]*`),
  externalId: pattern(String.raw`[\w+=,.@:\/-]*`, String.raw`[\w+=,.@:\/-]*`),
  serialNumber: pattern(String.raw`[\w+=/:,.@-]*`, String.raw`[\w+=/:,.@-]*`),
  tokenCode: pattern(String.raw`[\d]*`, String.raw`[\d]*`),
  policy: pattern(String.raw`[\t\n\r\x20-\xFF]+`, String.raw`[\u0009\u000A\u000D\u0020-\u00FF]+`),
  tagKey: pattern(String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`),
  tagValue: pattern(String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`),
} as const;

const arn = () => new StringParam({ min: 20, max: 2048, pattern: PATTERNS.arn });
const tagKey = () => new StringParam({ min: 1, max: 128, pattern: PATTERNS.tagKey });

export const stsParams = {
  roleArn: arn(),
  principalArn: arn(),
  roleSessionName: new StringParam({ min: 2, max: 64, pattern: PATTERNS.name }),
  /** GetFederationToken Name (userNameType) */
  federatedUserName: new StringParam({ min: 2, max: 32, pattern: PATTERNS.name }),
  sourceIdentity: new StringParam({ min: 2, max: 64, pattern: PATTERNS.name }),
  externalId: new StringParam({ min: 2, max: 1224, pattern: PATTERNS.externalId }),
  serialNumber: new StringParam({ min: 9, max: 256, pattern: PATTERNS.serialNumber }),
  /** exactly six digits */
  tokenCode: new StringParam({ min: 6, max: 6, pattern: PATTERNS.tokenCode }),
  /** sessionPolicyDocumentType: AssumeRoleWithSAML/WebIdentity, GetFederationToken */
  sessionPolicy: new StringParam({ min: 1, max: 2048, pattern: PATTERNS.policy }),
  /** unrestrictedSessionPolicyDocumentType: AssumeRole (no model max; the packed size limits it) */
  unrestrictedSessionPolicy: new StringParam({ min: 1, pattern: PATTERNS.policy }),
  /** the operation docs allow at most 10 managed session policies (the model sets no max) */
  policyArns: new ListParam(new StructParam({ arn: arn() }), { max: 10 }),
  /** roleDurationSecondsType: the AssumeRole* operations */
  roleDurationSeconds: new IntegerParam({ min: 900, max: 43200 }),
  /** durationSecondsType: GetSessionToken, GetFederationToken */
  durationSeconds: new IntegerParam({ min: 900, max: 129600 }),
  tags: new ListParam(
    new StructParam({
      Key: tagKey().required(),
      Value: new StringParam({ min: 0, max: 256, pattern: PATTERNS.tagValue }).required(),
    }),
    { max: 50 },
  ),
  transitiveTagKeys: new ListParam(tagKey(), { max: 50 }),
  providedContexts: new ListParam(
    new StructParam({ ProviderArn: arn(), ContextAssertion: new StringParam({ min: 4, max: 2048 }) }),
    { max: 5 },
  ),
  /** base64 of the SAML Response: 4–100,000 characters */
  samlAssertion: new StringParam({ min: 4, max: 100_000, sensitive: true }),
  /** clientTokenType: 4–20,000 characters */
  webIdentityToken: new StringParam({ min: 4, max: 20_000, sensitive: true }),
  /** urlType: OAuth 2.0 provider id (omitted for OIDC) */
  providerId: new StringParam({ min: 4, max: 2048 }),
} as const;

const p = stsParams;

/** Each operation's request members in model order (that order is the order of reported errors). */
export const stsActionParams = {
  AssumeRole: {
    RoleArn: p.roleArn.required(),
    RoleSessionName: p.roleSessionName.required(),
    PolicyArns: p.policyArns,
    Policy: p.unrestrictedSessionPolicy,
    DurationSeconds: p.roleDurationSeconds,
    Tags: p.tags,
    TransitiveTagKeys: p.transitiveTagKeys,
    ExternalId: p.externalId,
    SerialNumber: p.serialNumber,
    TokenCode: p.tokenCode,
    SourceIdentity: p.sourceIdentity,
    ProvidedContexts: p.providedContexts,
  },
  AssumeRoleWithSAML: {
    RoleArn: p.roleArn.required(),
    PrincipalArn: p.principalArn.required(),
    SAMLAssertion: p.samlAssertion.required(),
    PolicyArns: p.policyArns,
    Policy: p.sessionPolicy,
    DurationSeconds: p.roleDurationSeconds,
  },
  AssumeRoleWithWebIdentity: {
    RoleArn: p.roleArn.required(),
    RoleSessionName: p.roleSessionName.required(),
    WebIdentityToken: p.webIdentityToken.required(),
    ProviderId: p.providerId,
    PolicyArns: p.policyArns,
    Policy: p.sessionPolicy,
    DurationSeconds: p.roleDurationSeconds,
  },
  GetSessionToken: {
    DurationSeconds: p.durationSeconds,
    SerialNumber: p.serialNumber,
    TokenCode: p.tokenCode,
  },
  GetFederationToken: {
    Name: p.federatedUserName.required(),
    Policy: p.sessionPolicy,
    PolicyArns: p.policyArns,
    DurationSeconds: p.durationSeconds,
    Tags: p.tags,
  },
  GetCallerIdentity: {},
} as const;

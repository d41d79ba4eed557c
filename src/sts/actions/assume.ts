// The part every AssumeRole* action shares, in AWS's order: role lookup, session policy and packed
// size, duration rules, trust policy (with sts:TagSession / sts:SetSourceIdentity when tags or a
// source identity are passed), then one INSERT of the session.
import type { RoleRecord } from "../../directory/index.ts";
import { roleId, type IssuedCredentials } from "../credentials/index.ts";
import {
  evaluateTrust,
  formatAssumedRoleArn,
  packedPolicySize,
  parsePolicy,
  parseRoleArn,
  type AssumeRoleAction,
  type Policy,
  type RequestContext,
  type RequestPrincipal,
} from "../iam/index.ts";
import { StsErrors } from "../protocol/index.ts";
import type { StsDeps } from "./deps.ts";

export interface AssumeInput {
  action: AssumeRoleAction;
  roleArn: string;
  principal: RequestPrincipal;
  /** the caller's identity for AccessDenied messages */
  callerName: string;
  /** protocol condition keys (saml:*, <provider>:*, aws:PrincipalTag/*, sts:ExternalId, …) */
  context: RequestContext;
  sessionName: string;
  sourceIdentity?: string;
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  durationSeconds?: number;
  /** an upper bound from the credential presented (SAML SessionDuration/SessionNotOnOrAfter) */
  durationCap?: number;
  chained: boolean;
  mfa: boolean;
  policy?: string;
  policyArns?: { arn?: string }[];
  sourceIp?: string;
  replayKey?: { id: string; expiresAt: Date };
}

export interface AssumeResult {
  credentials: IssuedCredentials;
  assumedRoleUser: { AssumedRoleId: string; Arn: string };
  packedPolicySize?: number;
  sourceIdentity?: string;
}

const trustCache = new Map<string, Policy | null>();

function trustPolicyOf(role: RoleRecord): Policy | null {
  const key = `${role.id}:${role.version}`;
  let policy = trustCache.get(key);
  if (policy === undefined) {
    try {
      policy = role.trustPolicy ? parsePolicy(role.trustPolicy, { kind: "trust" }) : null;
    } catch {
      policy = null; // a stored policy that no longer parses trusts nobody
    }
    if (trustCache.size > 10_000) trustCache.clear();
    trustCache.set(key, policy);
  }
  return policy;
}

export async function assumeRole(deps: StsDeps, input: AssumeInput, audit: Record<string, unknown>): Promise<AssumeResult> {
  const denied = (what: string) =>
    StsErrors.accessDenied(`User: ${input.callerName} is not authorized to perform: ${what} on resource: ${input.roleArn}`);
  const snapshot = await deps.directory.snapshot();
  const role = snapshot.roleByArn.get(input.roleArn);
  if (!role) throw denied(input.action);
  const { account, name: roleName } = parseRoleArn(role.arn);

  const policies = input.policy === undefined ? [] : [input.policy];
  for (const p of policies) parsePolicy(p, { kind: "identity" });
  const policyArns = (input.policyArns ?? []).map((p) => p.arn!);
  const hasSessionInputs = policies.length + policyArns.length + Object.keys(input.tags).length > 0;
  const packed = hasSessionInputs
    ? packedPolicySize({ policies, policyArns, tags: input.tags, transitiveTagKeys: input.transitiveTagKeys })
    : undefined;
  if (packed !== undefined && packed > 100) {
    throw StsErrors.packedPolicyTooLarge(`Packed size of session policies and session tags exceeds the limit: ${packed}% of the allowed size.`);
  }

  if (input.durationSeconds !== undefined && input.durationSeconds > role.maxSessionDuration) {
    throw StsErrors.validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  if (input.chained && input.durationSeconds !== undefined && input.durationSeconds > 3600) {
    throw StsErrors.validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  }
  let duration = input.durationSeconds ?? 3600;
  if (input.chained) duration = Math.min(duration, 3600);
  if (input.durationCap !== undefined) duration = Math.min(duration, input.durationCap);

  const now = deps.now();
  const tagKeys = Object.keys(input.tags);
  const context: RequestContext = {
    ...input.context,
    "sts:RoleSessionName": input.sessionName,
    "sts:SourceIdentity": input.sourceIdentity,
    "sts:TransitiveTagKeys": input.transitiveTagKeys,
    "aws:TagKeys": tagKeys,
    "aws:SourceIp": input.sourceIp,
    "aws:CurrentTime": now,
    "aws:EpochTime": Math.floor(now.getTime() / 1000),
    "aws:MultiFactorAuthPresent": input.context["aws:MultiFactorAuthPresent"] ?? (input.mfa ? true : undefined),
  };
  for (const k of tagKeys) context[`aws:RequestTag/${k}`] = input.tags[k];

  const trust = trustPolicyOf(role);
  const evaluation = trust
    ? evaluateTrust(trust, { action: input.action, principal: input.principal, context, tagging: tagKeys.length > 0, sourceIdentity: input.sourceIdentity !== undefined })
    : undefined;
  audit.trustDecision = evaluation?.decision ?? "ImplicitDeny";
  if (!evaluation || evaluation.decision !== "Allow") throw denied(evaluation?.failed ?? input.action);

  const arn = formatAssumedRoleArn({ account, roleName, sessionName: input.sessionName });
  const assumedRoleId = `${roleId(role.id)}:${input.sessionName}`;
  const credentials = await deps.store.issue(
    {
      kind: "role",
      accountId: account,
      arn,
      userId: assumedRoleId,
      roleArn: role.arn,
      sessionName: input.sessionName,
      sourceIdentity: input.sourceIdentity,
      tags: input.tags,
      transitiveTagKeys: input.transitiveTagKeys,
      sessionPolicy: hasSessionInputs ? { policies, policyArns } : undefined,
      mfa: input.mfa,
      chained: input.chained,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + duration * 1000),
    },
    { replayKey: input.replayKey },
  );
  Object.assign(audit, {
    assumedRoleArn: arn,
    accessKeyIdIssued: credentials.accessKeyId,
    expiration: credentials.expiration.toISOString(),
  });
  return { credentials, assumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn }, packedPolicySize: packed, sourceIdentity: input.sourceIdentity };
}

/** The <Credentials> element. */
export function credentialsXml(c: IssuedCredentials) {
  return { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration };
}

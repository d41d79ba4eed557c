// The verified SigV4 caller as the actions see it, and the checks they share: the STS call matrix
// (sts.md §1.2) and AWSRevokeOlderSessions (§4), which denies every STS action but
// GetCallerIdentity (explicit denies do not apply to it).
import type { VerifiedRequest } from "../credentials/index.ts";
import type { Principal, StsCredential } from "../credentials/index.ts";
import type { RequestContext } from "../iam/index.ts";
import { StsErrors } from "../protocol/index.ts";

export type Caller = VerifiedRequest<StsCredential>;

export function principalOf(caller: Caller, audit: Record<string, unknown>): Principal {
  const p = caller.credential.principal;
  audit.userIdentity = { type: identityType(p), arn: p.arn, accountId: p.accountId, principalId: p.userId, accessKeyId: caller.accessKeyId };
  return p;
}

function identityType(p: Principal): string {
  return p.kind === "iam-user" || p.kind === "user" ? "IAMUser" : p.kind === "role" ? "AssumedRole" : "FederatedUser";
}

/** Region activation and AWSRevokeOlderSessions, for every signed action but GetCallerIdentity. */
export function checkNotRevoked(caller: Caller, action: string, disabledRegions: ReadonlySet<string>): void {
  if (disabledRegions.has(caller.region)) {
    throw StsErrors.regionDisabled(
      `STS is not activated in this region for account:${caller.credential.principal.accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
    );
  }
  if (caller.credential.revokedByRole) {
    const p = caller.credential.principal;
    throw StsErrors.accessDenied(`User: ${p.arn} is not authorized to perform: sts:${action} with an explicit deny in an identity-based policy`);
  }
}

/** The global condition keys describing the caller (aws:PrincipalTag/*, aws:TokenIssueTime, …). */
export function callerContext(caller: Caller): RequestContext {
  const p = caller.credential.principal;
  const ctx: RequestContext = {
    "aws:PrincipalArn": p.roleArn ?? p.arn,
    "aws:PrincipalAccount": p.accountId,
    "aws:PrincipalType": identityType(p) === "IAMUser" ? "User" : identityType(p),
    "aws:userid": p.userId,
    "aws:username": p.kind === "iam-user" || p.kind === "user" ? p.iamUserName : undefined,
    "aws:TokenIssueTime": caller.credential.issuedAt,
    "aws:SourceIdentity": p.sourceIdentity,
    "aws:MultiFactorAuthPresent": caller.credential.issuedAt ? p.mfa : undefined,
    "aws:SecureTransport": false,
  };
  for (const [k, v] of Object.entries(p.tags)) ctx[`aws:PrincipalTag/${k}`] = v;
  return ctx;
}

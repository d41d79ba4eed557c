// Who a set of credentials speaks for. Long-term keys belong to an IAM user; temporary ones to a
// role session, a federated user (GetFederationToken) or an IAM user session (GetSessionToken).
import type { SigningCredential } from "./sigv4.ts";

export type PrincipalKind = "iam-user" | "role" | "federated" | "user";

export interface Principal {
  kind: PrincipalKind;
  accountId: string;
  /** the ARN GetCallerIdentity reports */
  arn: string;
  /** GetCallerIdentity UserId */
  userId: string;
  roleArn?: string;
  /** the IAM user name (iam-user, user and federated kinds) */
  iamUserName?: string;
  sessionName?: string;
  sourceIdentity?: string;
  /** session tags (principal tags of the session) */
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  mfa: boolean;
  /** role credentials obtained with role credentials */
  chained: boolean;
}

/** A session about to be issued: everything but the key material. */
export interface NewSession extends Omit<Principal, "kind"> {
  kind: Exclude<PrincipalKind, "iam-user">;
  sessionPolicy?: unknown;
  issuedAt: Date;
  expiresAt: Date;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** What a SigV4 lookup returns: the secret to verify with, and the caller behind it. */
export interface StsCredential extends SigningCredential {
  principal: Principal;
  /** temporary credentials: aws:TokenIssueTime */
  issuedAt?: Date;
  /** AWSRevokeOlderSessions on the role denies this session (GetCallerIdentity still answers) */
  revokedByRole?: boolean;
}

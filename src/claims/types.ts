// The protocol-neutral answer to "who is this, which roles may they take, with which tags, for how
// long" (DESIGN.md). saml/ and oidc/ encode it; sts/ decodes it back into the same shape.
import type { DirectorySnapshot, DirectoryUser, GroupRecord } from "../directory/index.ts";

export const NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

export interface FederatedRole {
  roleArn: string;
  /** the IAM identity provider the role trusts for this protocol (saml-provider/… or oidc-provider/…) */
  providerArn: string;
  /** seconds: the role's maximum, capped by the most generous mapping that grants it */
  maxSessionDuration: number;
}

export interface FederatedIdentity {
  /** the user id: persistent and free of personal data (AWS logs it in CloudTrail) */
  subject: string;
  subjectFormat: string;
  issuer: string;
  /** sorted by roleArn */
  roles: FederatedRole[];
  /** seconds; absent when there are no roles */
  sessionDuration?: number;
  /** RoleSessionName: 2–64 of [\w+=,.@-] */
  roleSessionName: string;
  /** SourceIdentity: 2–64 of [\w+=,.@-], never "aws:…"; absent when there are no roles */
  sourceIdentity?: string;
  principalTags: Record<string, string>;
  /** sorted; only keys present in principalTags */
  transitiveTagKeys: string[];
  /** effective group names (nesting included), sorted */
  groups: string[];
  email?: string;
  name: string;
  mfa: boolean;
  /** when the user authenticated, whole seconds (both SAML and OIDC can carry it exactly) */
  authTime: Date;
}

export interface ClaimsTarget {
  kind: "saml" | "oidc";
  /** the protocol's own name for the app: SAML SP entityID, or OAuth client_id */
  id: string;
}

export interface BuildInput {
  user: DirectoryUser;
  /** the user's effective groups (DirectoryService.effectiveGroups) */
  effectiveGroups: readonly GroupRecord[];
  snapshot: DirectorySnapshot;
  target: ClaimsTarget;
  /** SAML IdP entity ID or OIDC issuer URL */
  issuer: string;
  /** seconds the app or client asked for (900–43200) */
  requestedDuration?: number;
  authTime: Date;
  mfa: boolean;
  /** RFC 8176 methods; "mfa" among them also counts as multi-factor */
  amr: readonly string[];
}

/** A user attribute that did not become a session tag, and why (logged; never fails a login). */
export interface DroppedTag {
  attribute: string;
  reason: string;
}

export interface BuildResult {
  identity: FederatedIdentity;
  dropped: DroppedTag[];
}

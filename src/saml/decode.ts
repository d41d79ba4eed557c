// The other half of the AWS codec, on XML: from a *verified* assertion (verify.ts) back to the
// FederatedIdentity fields a SAML assertion carries. The STS's AssumeRoleWithSAML can use it;
// the round-trip tests hold encoder and decoder to each other.
import type { FederatedIdentity } from "../claims/index.ts";
import { decodeAwsAttributes, type AwsRolePair } from "./aws-profile.ts";
import { AUTHN_CONTEXT } from "./response.ts";
import type { VerifiedAssertion } from "./verify.ts";

/** What an AWS-profile assertion says: FederatedIdentity without the directory-only fields. */
export type DecodedAwsIdentity = Pick<FederatedIdentity, "subject" | "subjectFormat" | "issuer" | "roleSessionName" | "sessionDuration" | "sourceIdentity" | "principalTags" | "transitiveTagKeys" | "mfa"> & {
  roles: AwsRolePair[];
  authTime?: Date;
};

export function decodeAwsAssertion(a: VerifiedAssertion): DecodedAwsIdentity {
  const claims = decodeAwsAttributes(a.attributes);
  return {
    subject: a.nameId,
    subjectFormat: a.nameIdFormat ?? "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    issuer: a.issuer,
    roles: claims.roles,
    roleSessionName: claims.roleSessionName,
    sessionDuration: claims.sessionDuration,
    sourceIdentity: claims.sourceIdentity,
    principalTags: claims.principalTags,
    transitiveTagKeys: claims.transitiveTagKeys,
    mfa: a.authnContextClassRef === AUTHN_CONTEXT.mfa,
    authTime: a.authnInstant,
  };
}

// The generic attribute profile for ordinary SPs: who the user is and what they belong to, under
// plain attribute names (NameFormat basic) that most SAML SP libraries map without configuration.
// Like the AWS profile it only encodes FederatedIdentity: the claims engine decided everything.
import type { FederatedIdentity } from "../claims/index.ts";
import type { SamlAttribute } from "./aws-profile.ts";

export const ATTRNAME_FORMAT_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

export const GENERIC_ATTRIBUTES = {
  uid: "uid",
  name: "name",
  email: "email",
  groups: "groups",
  roles: "roles",
} as const;

export function encodeGenericAttributes(identity: FederatedIdentity): SamlAttribute[] {
  const attr = (name: string, values: string[]): SamlAttribute => ({ name, nameFormat: ATTRNAME_FORMAT_BASIC, values });
  const out = [attr(GENERIC_ATTRIBUTES.uid, [identity.subject]), attr(GENERIC_ATTRIBUTES.name, [identity.name])];
  if (identity.email) out.push(attr(GENERIC_ATTRIBUTES.email, [identity.email]));
  if (identity.groups.length) out.push(attr(GENERIC_ATTRIBUTES.groups, [...identity.groups]));
  if (identity.roles.length) out.push(attr(GENERIC_ATTRIBUTES.roles, identity.roles.map((r) => r.roleArn)));
  return out;
}

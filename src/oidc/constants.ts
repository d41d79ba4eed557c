// Names shared by the provider configuration, the interaction pages and the tests.
import { AWS_SOURCE_IDENTITY_CLAIM, AWS_TAGS_CLAIM, ROLES_CLAIM } from "./aws-claims.ts";

/** acr values: password only, or password plus a second factor (TOTP or recovery code). */
export const ACR_PASSWORD = "urn:idp-gateway:acr:pwd";
export const ACR_MFA = "urn:idp-gateway:acr:mfa";

/** The admin API as an OAuth resource server (resource indicator = its URL). */
export const adminApiResource = (baseUrl: string) => `${baseUrl}/api/admin`;
export const ADMIN_SCOPES = ["admin", "admin:read"] as const;

/** scope → claims. `aws` carries what AWS reads from the ID token (reference/sts.md §3b). */
export const SCOPE_CLAIMS = {
  // acr, amr and auth_time always: RPs (and AWS trust policies on amr) rely on them
  openid: ["sub", "acr", "amr", "auth_time"],
  profile: ["name", "preferred_username", "updated_at"],
  email: ["email", "email_verified"],
  groups: ["groups"],
  roles: [ROLES_CLAIM],
  aws: [AWS_TAGS_CLAIM, AWS_SOURCE_IDENTITY_CLAIM, ROLES_CLAIM],
} as const;

/** The provider's own paths; everything else stays with the Express app. */
export const ROUTES = {
  authorization: "/auth",
  token: "/token",
  userinfo: "/me",
  jwks: "/jwks",
  end_session: "/session/end",
  introspection: "/token/introspection",
  revocation: "/token/revocation",
  device_authorization: "/device/auth",
  code_verification: "/device",
  pushed_authorization_request: "/request",
} as const;

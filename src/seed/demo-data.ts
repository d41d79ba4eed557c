// The demo directory from DESIGN.md ("Demo data"). Seeded into an empty database unless
// IDP_SEED_DEMO=false; refused in production by config.ts.

export const DEMO_ACCOUNT = "111122223333";
export const DEMO_SAML_PROVIDER_ARN = `arn:aws:iam::${DEMO_ACCOUNT}:saml-provider/idp-gateway`;

/** IAM names an OIDC provider by the issuer's host and path (no scheme): oidc-provider/<host[:port]/path>. */
export function oidcProviderArn(baseUrl: string): string {
  const u = new URL(baseUrl);
  return `arn:aws:iam::${DEMO_ACCOUNT}:oidc-provider/${u.host}${u.pathname.replace(/\/$/, "")}`;
}

/** Where the AWS SP's assertions go: the local sign-in (local STS mode). */
export function localAwsAcs(baseUrl: string): string {
  return `${baseUrl}/aws/saml`;
}

export const DEMO_GROUPS = [
  { name: "engineering", description: "Engineers" },
  { name: "admins", description: "Administrators of idp-gateway" },
  { name: "finance", description: "Finance team" },
] as const;

export const DEMO_USERS = [
  { username: "admin", email: "admin@example.com", displayName: "Administrator", attributes: {}, groups: ["admins"] },
  {
    username: "alice",
    email: "alice@example.com",
    displayName: "Alice Example",
    attributes: { department: "engineering", costCenter: "1234" },
    groups: ["engineering", "admins"],
  },
  { username: "bob", email: "bob@example.com", displayName: "Bob Example", attributes: { department: "finance" }, groups: ["finance"] },
] as const;

export const DEMO_ROLES = [
  { name: "Engineer", description: "Engineering access", group: "engineering" },
  { name: "ReadOnly", description: "Read-only access", group: "admins" },
  { name: "Finance", description: "Finance access", group: "finance" },
] as const;

export const DEMO_TAG_RULES = [
  { attribute: "department", tagKey: "Department", transitive: false },
  { attribute: "costCenter", tagKey: "CostCenter", transitive: true },
] as const;

export function roleArn(name: string): string {
  return `arn:aws:iam::${DEMO_ACCOUNT}:role/${name}`;
}

/**
 * The demo roles' trust policy: the built-in IdP may federate into them over SAML (audience = the
 * local sign-in ACS, as AWS checks `SAML:aud` against the Recipient) and over OIDC (audience = one of
 * the demo clients), and may pass session tags and a source identity.
 */
export function demoTrustPolicy(baseUrl: string) {
  const oidcArn = oidcProviderArn(baseUrl);
  const oidcKey = oidcArn.split(":oidc-provider/")[1];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SamlFederation",
        Effect: "Allow",
        Principal: { Federated: DEMO_SAML_PROVIDER_ARN },
        Action: ["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"],
        Condition: { StringEquals: { "SAML:aud": [localAwsAcs(baseUrl), "https://signin.aws.amazon.com/saml"] } },
      },
      {
        Sid: "OidcFederation",
        Effect: "Allow",
        Principal: { Federated: oidcArn },
        Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"],
        Condition: { StringEquals: { [`${oidcKey}:aud`]: ["mobile-app", "idp-cli"] } },
      },
    ],
  };
}

export const DEMO_CLIENTS = [
  {
    clientId: "mobile-app",
    name: "Mobile app",
    firstParty: true,
    metadata: {
      client_id: "mobile-app",
      application_type: "native",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: ["com.example.app:/oauth2redirect", "http://127.0.0.1:8765/callback"],
    },
  },
  {
    clientId: "idp-cli",
    name: "idp command-line",
    firstParty: true,
    metadata: {
      client_id: "idp-cli",
      application_type: "native",
      token_endpoint_auth_method: "none",
      grant_types: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
      response_types: [],
      redirect_uris: [],
    },
  },
] as const;

/**
 * Confidential demo clients for the client-credentials grant. Their secret is IDP_DEMO_PASSWORD,
 * like the demo users' passwords (demo data never exists in production). `demo-service` is a
 * machine identity in the engineering group (so it gets the Engineer role); `admin-automation`
 * may get admin API tokens (resource <base>/api/admin, scopes admin / admin:read).
 */
export const DEMO_MACHINE_CLIENTS = [
  {
    clientId: "demo-service",
    name: "Demo service (client credentials)",
    groups: ["engineering"],
    metadata: {
      client_id: "demo-service",
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "groups roles",
    },
  },
  {
    clientId: "admin-automation",
    name: "Admin API automation",
    groups: [],
    metadata: {
      client_id: "admin-automation",
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "admin admin:read",
    },
  },
] as const;

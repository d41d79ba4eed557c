// The oidc-provider configuration, in one place. Decisions worth knowing:
// - issuer = IDP_BASE_URL; signing keys come from keys/ (RS256 only: AWS accepts only RSA);
// - devInteractions off: login, MFA and consent are our pages (interactions.ts);
// - conformIdTokenClaims off: claims of the requested scopes go INTO the ID token, because AWS
//   reads the session-tag and source-identity claims from the ID token itself;
// - the login prompt also fires when the browser has no web session (or another user's), so
//   signing out of idp-gateway signs out of OIDC too, and prompt=none answers login_required;
// - refresh tokens always rotate; a reused one revokes the whole grant (the provider's default
//   reaction to a consumed refresh token);
// - the admin API is a resource server: client-credentials tokens for it are RS256 JWTs.
import type { Configuration, JWKS, KoaContextWithOIDC, ResourceServer } from "oidc-provider";
import { errors, interactionPolicy } from "oidc-provider";
import type { Config } from "../config.ts";
import type { DirectoryService } from "../directory/index.ts";
import type { Render } from "../http/index.ts";
import { isMfa } from "./account.ts";
import { ACR_MFA, ACR_PASSWORD, ADMIN_SCOPES, adminApiResource, ROUTES, SCOPE_CLAIMS } from "./constants.ts";
import { machineClaims } from "./machine.ts";
import { deviceFlowPages, logoutPages, renderError } from "./pages.ts";

export interface ConfigurationDeps {
  config: Config;
  directory: DirectoryService;
  render: Render;
  adapter: Configuration["adapter"];
  findAccount: NonNullable<Configuration["findAccount"]>;
  jwks: JWKS;
  cookieKeys: string[];
  /** the account's remembered grant for a client, from any earlier browser session */
  rememberedGrant: (accountId: string, clientId: string) => Promise<string | undefined>;
}

const { Check, base } = interactionPolicy;

export function providerConfiguration(d: ConfigurationDeps): Configuration {
  const { config, directory } = d;
  const issuer = config.baseUrl;
  const adminResource = adminApiResource(issuer);

  const policy = base();
  const login = policy.get("login")!;
  // one login for SAML and OIDC: the web session is the source of truth for who is signed in
  login.checks.add(
    new Check("web_session", "End-User authentication is required", "login_required", (ctx) => {
      const user = webUser(ctx);
      return !user || user.id !== ctx.oidc.session?.accountId ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  // acr_values asking for MFA (voluntary acr, OIDC Core 3.1.2.1) is honoured as if essential
  login.checks.add(
    new Check("acr_mfa", "multi-factor authentication is required", "login_required", (ctx) => {
      const wanted = String(ctx.oidc.params?.acr_values ?? "").split(" ");
      return wanted.includes(ACR_MFA) && ctx.oidc.acr !== ACR_MFA && !ctx.oidc.result?.login ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );

  return {
    adapter: d.adapter,
    findAccount: d.findAccount,
    jwks: d.jwks,
    acrValues: [ACR_PASSWORD, ACR_MFA],
    claims: { ...SCOPE_CLAIMS, acr: null, amr: null, auth_time: null, sid: null } as unknown as Configuration["claims"],
    scopes: ["openid", "offline_access", ...Object.keys(SCOPE_CLAIMS), ...ADMIN_SCOPES],
    conformIdTokenClaims: false,
    clientDefaults: { grant_types: ["authorization_code"], id_token_signed_response_alg: "RS256", response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" },
    enabledJWA: {
      idTokenSigningAlgValues: ["RS256"],
      userinfoSigningAlgValues: ["RS256"],
      introspectionSigningAlgValues: ["RS256"],
      authorizationSigningAlgValues: ["RS256"],
    },
    cookies: {
      keys: d.cookieKeys,
      long: { httpOnly: true, sameSite: "lax", secure: config.cookieSecure },
      short: { httpOnly: true, sameSite: "lax", secure: config.cookieSecure },
    },
    routes: ROUTES,
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => !(token.clientId !== client.clientId && client.clientAuthMethod === "none") },
      revocation: { enabled: true },
      deviceFlow: { enabled: true, ...deviceFlowPages(d.render) },
      rpInitiatedLogout: { enabled: true, ...logoutPages(d.render) },
      userinfo: { enabled: true },
      registration: { enabled: false },
      claimsParameter: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource): Promise<ResourceServer> => {
          if (resource === adminResource) {
            return { scope: ADMIN_SCOPES.join(" "), audience: adminResource, accessTokenFormat: "jwt", accessTokenTTL: 3600, jwt: { sign: { alg: "RS256" } } };
          }
          throw new errors.InvalidTarget();
        },
      },
    },
    pkce: { required: (_ctx, client) => client.clientAuthMethod === "none" },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== "ClientCredentials") return undefined;
      return machineClaims(await directory.snapshot(), token.clientId!, issuer);
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 3600,
      DeviceCode: 600,
      Grant: 365 * 86400,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * 86400,
      Session: config.session.ttlSeconds,
    },
    renderError: renderError(d.render),
    // consent is remembered per account and client, not only per browser session
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const accountId = oidc.session?.accountId;
      const grantId =
        oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId) ?? (accountId ? await d.rememberedGrant(accountId, oidc.client!.clientId) : undefined);
      if (!grantId) return undefined;
      const grant = await oidc.provider.Grant.find(grantId);
      // a grant belongs to one account and one client: never reuse it for another
      return grant && grant.accountId === accountId && grant.clientId === oidc.client!.clientId ? grant : undefined;
    },
  };
}

/** The idp-gateway web session's user, put on the response by the auth session middleware. */
export function webUser(ctx: KoaContextWithOIDC): { id: string } | undefined {
  return (ctx.res as unknown as { locals?: { user?: { id: string } } }).locals?.user;
}

export function acrFor(amr: readonly string[]): string {
  return isMfa(amr) ? ACR_MFA : ACR_PASSWORD;
}

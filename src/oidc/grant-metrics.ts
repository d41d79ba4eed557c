// idp_oidc_grants_total{grant_type, outcome}: one count per token endpoint request the provider
// answers. oidc-provider emits grant.success after a grant, grant.error for an OAuth error answered
// at the token endpoint (client authentication included), and server_error instead of grant.error
// when it answers 500. Both labels come from fixed sets: a grant_type or error code a client made
// up counts as "other". The outcome is the error the provider raised: a device-flow poll that
// device-poll.ts turns from authorization_pending into slow_down counts as authorization_pending.
import type { KoaContextWithOIDC, Provider } from "oidc-provider";
import type { Metrics } from "../http/index.ts";

/** the grant types oidc-provider implements (enabled here or not: a request for one is still bounded) */
const GRANT_TYPES = new Set([
  "authorization_code",
  "refresh_token",
  "client_credentials",
  "urn:ietf:params:oauth:grant-type:device_code",
  "urn:openid:params:grant-type:ciba",
  "urn:ietf:params:oauth:grant-type:token-exchange",
  "urn:ietf:params:oauth:grant-type:jwt-bearer",
]);

/** the OAuth error codes the token endpoint can answer with (RFC 6749 §5.2, device flow, DPoP, resource indicators) */
const ERRORS = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "invalid_target",
  "invalid_authorization_details",
  "authorization_pending",
  "slow_down",
  "access_denied",
  "expired_token",
  "invalid_dpop_proof",
  "use_dpop_nonce",
  "invalid_client_attestation",
  "use_attestation_challenge",
  "use_fresh_attestation",
  "temporarily_unavailable",
  "server_error",
]);

const OTHER = "other";

export function countGrants(provider: Provider, metrics: Pick<Metrics, "oidcGrants">): void {
  const count = (ctx: KoaContextWithOIDC, outcome: string) => {
    const grantType = ctx.oidc?.params?.grant_type;
    metrics.oidcGrants.inc({ grant_type: typeof grantType === "string" && GRANT_TYPES.has(grantType) ? grantType : OTHER, outcome: ERRORS.has(outcome) || outcome === "success" ? outcome : OTHER });
  };
  provider.on("grant.success", (ctx: KoaContextWithOIDC) => count(ctx, "success"));
  provider.on("grant.error", (ctx: KoaContextWithOIDC, err: { error?: unknown }) => count(ctx, typeof err.error === "string" ? err.error : "server_error"));
  provider.on("server_error", (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc?.route === "token") count(ctx, "server_error");
  });
}

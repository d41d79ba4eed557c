// Signs a person in from a terminal with the OAuth 2.0 device authorization grant (RFC 8628),
// through openid-client (certified RP library): discovery, device code, polling with the
// server's interval and slow_down, ID token validation. The person approves on /device in a browser.
import * as oidc from "openid-client";
import { CliError } from "../context.ts";

export interface DeviceLoginOptions {
  issuer: URL;
  clientId: string;
  scope: string;
  /** where to tell the person what to do (stderr: stdout may be credential_process JSON) */
  prompt(line: string): void;
  signal?: AbortSignal;
}

export interface DeviceLoginResult {
  idToken: string;
  claims: oidc.IDToken;
  refreshToken?: string;
}

/** Plain http is accepted for loopback issuers only (a local gateway); anything else needs https. */
export function insecureAllowed(issuer: URL): boolean {
  return issuer.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(issuer.hostname);
}

export async function discover(issuer: URL, clientId: string): Promise<oidc.Configuration> {
  if (issuer.protocol !== "https:" && !insecureAllowed(issuer)) {
    throw new CliError(`the issuer ${issuer.href} must use https (plain http only for localhost)`, 64);
  }
  try {
    return await oidc.discovery(issuer, clientId, undefined, oidc.None(), insecureAllowed(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined);
  } catch (err) {
    throw new CliError(`cannot reach the identity provider at ${issuer.href}: ${(err as Error).message}`, 69);
  }
}

export async function deviceLogin(opts: DeviceLoginOptions): Promise<DeviceLoginResult> {
  const config = await discover(opts.issuer, opts.clientId);
  const auth = await oauthCall(() => oidc.initiateDeviceAuthorization(config, { scope: opts.scope }));
  opts.prompt(`To sign in, open ${auth.verification_uri} and enter the code ${auth.user_code}`);
  if (auth.verification_uri_complete) opts.prompt(`(or open ${auth.verification_uri_complete})`);
  const tokens = await oauthCall(() => oidc.pollDeviceAuthorizationGrant(config, auth, undefined, { signal: opts.signal }));
  return finish(tokens);
}

/** Trades a refresh token for a fresh ID token, so a cached sign-in needs no new device prompt. */
export async function refreshLogin(issuer: URL, clientId: string, refreshToken: string): Promise<DeviceLoginResult> {
  const config = await discover(issuer, clientId);
  return finish(await oauthCall(() => oidc.refreshTokenGrant(config, refreshToken)));
}

function finish(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): DeviceLoginResult {
  const claims = tokens.claims();
  if (!tokens.id_token || !claims) throw new CliError("the identity provider returned no ID token (is the `openid` scope allowed for this client?)");
  return { idToken: tokens.id_token, claims, refreshToken: tokens.refresh_token };
}

async function oauthCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof oidc.ResponseBodyError) {
      const why = err.error === "expired_token" ? "the code expired before it was approved" : err.error === "access_denied" ? "the sign-in was denied" : err.error;
      throw new CliError(`sign-in failed: ${why}${err.error_description ? ` (${err.error_description})` : ""}`);
    }
    throw new CliError(`sign-in failed: ${(err as Error).message}`);
  }
}

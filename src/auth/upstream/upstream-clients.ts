// openid-client configurations for the upstream IdPs: discovery (RFC 8414 / OIDC Discovery) once,
// cached per IdP row version, with a timeout on every request so an unreachable upstream gives a
// clear page instead of a hanging one. Failures are not cached: the next sign-in tries again.
import * as oidc from "openid-client";
import type { OidcUpstream } from "./upstream-idps.ts";

const DISCOVERY_TTL_MS = 60 * 60_000;
export const UPSTREAM_TIMEOUT_SECONDS = 10;


/** A network failure or timeout talking to the upstream (as opposed to an answer we refuse). */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof TypeError) return true; // fetch's "fetch failed": refused, reset, DNS
  const code = (err as { code?: string }).code;
  return err instanceof oidc.ClientError && (code === "OAUTH_TIMEOUT" || code === "OAUTH_ABORT");
}

export class UpstreamClients {
  private readonly cache = new Map<string, { version: number; at: number; config: Promise<oidc.Configuration> }>();

  /** `timeoutSeconds` per upstream request (discovery, JWKS, token). */
  constructor(public timeoutSeconds = UPSTREAM_TIMEOUT_SECONDS) {}

  configuration(idp: OidcUpstream): Promise<oidc.Configuration> {
    const version = idp.version;
    const hit = this.cache.get(idp.id);
    if (hit && hit.version === version && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
    const config = this.discover(idp);
    this.cache.set(idp.id, { version, at: Date.now(), config });
    config.catch(() => this.cache.get(idp.id)?.config === config && this.cache.delete(idp.id));
    return config;
  }

  private async discover(idp: OidcUpstream): Promise<oidc.Configuration> {
    // upstream-idps.ts admits plain http only for a loopback issuer
    const execute = new URL(idp.issuer).protocol === "http:" ? [oidc.allowInsecureRequests] : [];
    const config = await oidc.discovery(new URL(idp.issuer), idp.clientId, { client_secret: idp.clientSecret }, oidc.ClientSecretBasic(idp.clientSecret), { execute, timeout: this.timeoutSeconds });
    config.timeout = this.timeoutSeconds;
    return config;
  }
}

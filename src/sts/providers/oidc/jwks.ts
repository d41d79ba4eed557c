// Key sources for web-identity tokens. Built-in IdP: the key service's JWKS (memory, rebuilt when
// keys rotate). External issuers: OIDC discovery, then jose's remote JWKS with caching, a
// cooldown between refetches for unknown kids, and a timeout. Unreachable → IDPCommunicationError.
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from "jose";
import { StsErrors } from "../../protocol/index.ts";

export interface RemoteJwksOptions {
  timeoutMs: number;
  /** how long a discovery document is reused */
  discoveryTtlMs?: number;
}

export class RemoteJwksCache {
  readonly #byIssuer = new Map<string, { getKey: JWTVerifyGetKey; until: number }>();
  constructor(private readonly opts: RemoteJwksOptions) {}

  async resolver(issuer: string): Promise<JWTVerifyGetKey> {
    const hit = this.#byIssuer.get(issuer);
    if (hit && hit.until > Date.now()) return hit.getKey;
    const jwksUri = await this.discover(issuer);
    const getKey = strict(createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: this.opts.timeoutMs, cooldownDuration: 30_000, cacheMaxAge: 600_000 }));
    this.#byIssuer.set(issuer, { getKey, until: Date.now() + (this.opts.discoveryTtlMs ?? 3600_000) });
    return getKey;
  }

  private async discover(issuer: string): Promise<string> {
    let doc: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: "error",
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      doc = (await res.json()) as typeof doc;
    } catch {
      throw StsErrors.idpCommunicationError(`Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements`);
    }
    // discovery mix-up (security.md §3.1 #11): the document must name this very issuer
    if (doc.issuer !== issuer || typeof doc.jwks_uri !== "string") {
      throw StsErrors.idpCommunicationError("The identity provider's discovery document does not match its issuer.");
    }
    return doc.jwks_uri;
  }
}

/** A resolver over a fixed JWK Set; several keys matching a token without kid is an error. */
export function localResolver(jwks: { keys: object[] }): JWTVerifyGetKey {
  return strict(createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]));
}

/**
 * jose tries every candidate when a kid-less token matches several keys; security.md §3.1 #3 asks
 * for a rejection instead, so the multiple-match error is re-thrown as a plain one.
 */
export function strict(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSMultipleMatchingKeys) throw new errors.JWKSNoMatchingKey("several keys match a token without kid");
      throw err;
    }
  };
}

// Builds the oidc-provider instance from the current signing key. The provider keeps its keystore
// for life, so a key rotation (KeyService.onChange) builds a fresh provider; requests already in
// flight finish on the old one. Everything it stores is in the database, so nothing is lost.
import type { JWKS, Provider as ProviderType } from "oidc-provider";
import Provider from "oidc-provider";
import type { KeyService } from "../keys/index.ts";
import { providerConfiguration, type ConfigurationDeps } from "./configuration.ts";

/** The active key as the private JWK the provider signs with (RS256 only). */
export function signingJwks(keys: KeyService): JWKS {
  const active = keys.activeKey();
  const jwk = active.privateKey.export({ format: "jwk" });
  return { keys: [{ ...jwk, kid: active.kid, alg: "RS256", use: "sig" }] } as JWKS;
}

export function buildProvider(deps: Omit<ConfigurationDeps, "jwks">, keys: KeyService, setup: (p: ProviderType) => void): ProviderType {
  const provider = new Provider(deps.config.baseUrl, providerConfiguration({ ...deps, jwks: signingJwks(keys) }));
  // behind a TLS-terminating proxy the issuer's scheme comes from X-Forwarded-Proto
  provider.proxy = deps.config.trustProxy !== false;
  setup(provider);
  return provider;
}

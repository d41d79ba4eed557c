// Web identity token verification (sts.md §3b; security.md §3.1), with jose:
// RS256 only; iss must name an OIDC provider of the role's account; signature from that
// provider's keys only (jku/x5u/jwk/x5c headers are never used); exp, iat, sub, aud required;
// nbf and iat must not be in the future; aud (or azp, when present) must be a registered client;
// several audiences need an azp; access/logout tokens (typ other than JWT) are refused.
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { StsError, StsErrors } from "../../protocol/index.ts";
import type { ProviderRecord, ProviderRegistry } from "../registry.ts";

export const CLOCK_TOLERANCE_S = 60;
const MAX_TOKEN_CHARS = 16_384;

export interface VerifiedToken {
  payload: JWTPayload;
  provider: ProviderRecord;
  /** the client the token was issued to (azp, else aud) */
  audience: string;
}

const invalid = (m: string) => StsErrors.invalidIdentityToken(m);

export async function verifyWebIdentityToken(token: string, registry: ProviderRegistry, accountId: string, now: Date): Promise<VerifiedToken> {
  if (token.length > MAX_TOKEN_CHARS) throw invalid("Couldn't parse token: too large");
  let unverified: JWTPayload;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "RS256") throw invalid("Only tokens with RSA algorithms (RS256) are supported");
    if (header.typ !== undefined && String(header.typ).toLowerCase() !== "jwt") throw invalid("The token is not an ID token.");
    unverified = decodeJwt(token);
  } catch (err) {
    if (err instanceof StsError) throw err;
    throw invalid("Couldn't parse token");
  }
  if (typeof unverified.iss !== "string" || unverified.iss === "") throw invalid("Couldn't parse token: no iss claim");
  const provider = await registry.oidcByIssuer(accountId, unverified.iss);
  if (!provider) throw invalid(`No OpenIDConnect provider found in your account for ${unverified.iss}`);

  const getKey = await registry.keyResolver(provider);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      issuer: provider.issuer,
      algorithms: ["RS256"],
      requiredClaims: ["exp", "iat", "sub", "aud"],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
    }));
  } catch (err) {
    throw mapJoseError(err);
  }
  if (typeof payload.iat !== "number" || payload.iat > now.getTime() / 1000 + CLOCK_TOLERANCE_S) throw invalid("The token's iat is in the future.");
  if (payload.events !== undefined) throw invalid("The token is not an ID token.");

  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const azp = payload.azp;
  if (azp !== undefined && typeof azp !== "string") throw invalid("Incorrect token audience");
  if (auds.length > 1 && azp === undefined) throw invalid("Incorrect token audience");
  const audience = (azp as string | undefined) ?? auds[0];
  if (typeof audience !== "string" || !provider.clientIds.includes(audience) || (azp !== undefined && !auds.includes(azp))) {
    throw invalid("Incorrect token audience");
  }
  return { payload, provider, audience };
}

function mapJoseError(err: unknown): StsError {
  if (err instanceof StsError) return err;
  if (err instanceof errors.JWTExpired) return StsErrors.expiredTokenException("Token expired: current date/time must be before the expiration date/time.");
  if (err instanceof errors.JWKSTimeout) return StsErrors.idpCommunicationError("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
  if (err instanceof errors.JOSEError) {
    if (err instanceof errors.JWTClaimValidationFailed) return invalid(`Invalid token: ${err.claim} ${err.reason}`);
    if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) return invalid("Invalid token signature");
    if (err instanceof errors.JWKSInvalid || err.code === "ERR_JOSE_GENERIC") return StsErrors.idpCommunicationError("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
    return invalid("Couldn't parse token");
  }
  // fetch failures of the remote JWKS (connection refused, DNS, TLS)
  if (err instanceof TypeError || (err as { name?: string })?.name === "AbortError") {
    return StsErrors.idpCommunicationError("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
  }
  return invalid("Couldn't parse token");
}

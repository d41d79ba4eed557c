// Bearer-token authentication for /api/admin (RFC 6750): an RS256 JWT access token signed by one
// of this IdP's published keys, iss = the base URL, aud = <base URL>/api/admin, not expired, and a
// `scope` holding "admin" (read and write) or "admin:read" (read only). Such tokens come from the
// OIDC provider's client-credentials grant. Failures are 401 (invalid_token) or 403
// (insufficient_scope) with a WWW-Authenticate challenge, as problem+json.
import type { RequestHandler } from "express";
import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import { Denied, Unauthenticated } from "../../errors.ts";
import type { Services } from "../../services.ts";

export const ADMIN_SCOPE = "admin";
export const ADMIN_READ_SCOPE = "admin:read";
const REALM = 'Bearer realm="idp-gateway admin API"';

export const apiAudience = (baseUrl: string): string => `${baseUrl}/api/admin`;

/** The scopes of a token: a space-separated string (RFC 9068 §2.2.3) or, leniently, an array. */
function scopesOf(p: JWTPayload): string[] {
  const s = p.scope ?? p.scp;
  if (typeof s === "string") return s.split(" ").filter(Boolean);
  if (Array.isArray(s)) return s.filter((x): x is string => typeof x === "string");
  return [];
}

export function requireBearer(s: Pick<Services, "keys" | "config" | "audit">): RequestHandler {
  return async (req, res, next) => {
    const target = `${req.method} ${req.baseUrl}${req.path}`.slice(0, 200);
    const header = req.get("authorization") ?? "";
    const m = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/i.exec(header);
    if (!m) {
      res.setHeader("WWW-Authenticate", REALM);
      await s.audit.record({ action: "admin.api.auth", outcome: "failure", target, details: { reason: "no_token" } });
      throw new Unauthenticated("Send an access token: Authorization: Bearer <token>.");
    }
    let payload: JWTPayload;
    try {
      // memory-only: the JWK set is the key service's cached published keys
      ({ payload } = await jwtVerify(m[1]!, createLocalJWKSet(s.keys.jwks() as never), {
        issuer: s.config.baseUrl,
        audience: apiAudience(s.config.baseUrl),
        algorithms: ["RS256"],
        requiredClaims: ["exp"],
        clockTolerance: 5,
      }));
    } catch (err) {
      res.setHeader("WWW-Authenticate", `${REALM}, error="invalid_token"`);
      // jose's error code says why (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ERR_JWT_CLAIM_VALIDATION_FAILED…)
      const reason = String((err as { code?: unknown }).code ?? "invalid").slice(0, 64);
      await s.audit.record({ action: "admin.api.auth", outcome: "failure", target, details: { reason } });
      throw new Unauthenticated("The access token is invalid, expired, or not meant for this API.");
    }
    const scopes = scopesOf(payload);
    const role = scopes.includes(ADMIN_SCOPE) ? "admin" : scopes.includes(ADMIN_READ_SCOPE) ? "auditor" : undefined;
    const write = !["GET", "HEAD", "OPTIONS"].includes(req.method);
    const who = [payload.client_id, payload.azp, payload.sub].find((v) => typeof v === "string" && v) as string | undefined;
    if (!role || (write && role !== "admin")) {
      await s.audit.record({ actor: `client:${who ?? "unknown"}`, action: "admin.api.auth", outcome: "denied", target, details: { reason: "insufficient_scope", scopes } });
      res.setHeader("WWW-Authenticate", `${REALM}, error="insufficient_scope", scope="${write ? ADMIN_SCOPE : `${ADMIN_READ_SCOPE} ${ADMIN_SCOPE}`}"`);
      throw new Denied(write ? `This operation needs the "${ADMIN_SCOPE}" scope.` : `This API needs the "${ADMIN_READ_SCOPE}" or "${ADMIN_SCOPE}" scope.`);
    }
    res.locals.admin = { actor: `client:${who ?? "unknown"}`, role };
    next();
  };
}

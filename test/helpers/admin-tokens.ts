// Admin API access tokens for tests: RS256 JWTs signed with the key service's active private key,
// shaped as the OIDC provider's client-credentials tokens (iss = base URL, aud = <base>/api/admin,
// scope). Options make the broken variants the API must refuse.
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { after, before } from "node:test";
import type { Services } from "../../src/services.ts";
import { startTestApp, type TestApp } from "./app.ts";
import type { Backend } from "./db.ts";

export interface TokenOptions {
  scope?: string | null;
  aud?: string;
  iss?: string;
  /** seconds from now; negative = already expired */
  expiresIn?: number;
  /** sign with a fresh key the IdP never published */
  foreignKey?: boolean;
  alg?: "RS256" | "RS384";
  clientId?: string;
}

export async function adminToken(s: Services, opts: TokenOptions = {}): Promise<string> {
  const key = s.keys.activeKey();
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { client_id: opts.clientId ?? "admin-automation" };
  if (opts.scope !== null) claims.scope = opts.scope ?? "admin";
  const signingKey = opts.foreignKey ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey : key.privateKey;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? "RS256", kid: key.kid, typ: "at+jwt" })
    .setIssuer(opts.iss ?? s.config.baseUrl)
    .setAudience(opts.aud ?? `${s.config.baseUrl}/api/admin`)
    .setSubject(opts.clientId ?? "admin-automation")
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (opts.expiresIn ?? 300))
    .sign(signingKey);
}

/** The two tokens an admin API suite uses: read and write ("admin"), and read only ("admin:read"). */
export async function adminTokens(s: Services): Promise<{ token: string; readToken: string }> {
  return { token: await adminToken(s), readToken: await adminToken(s, { scope: "openid admin:read" }) };
}

type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * For a describe() of admin API tests: a test app started before its tests and closed after, its
 * tokens, and `api(method, path, token?)` for <base>/api/admin<path> (the read-write token by default).
 */
export function adminApiSuite(backend: Backend) {
  const suite = {} as { t: TestApp; token: string; readToken: string };
  before(async () => {
    suite.t = await startTestApp(backend);
    Object.assign(suite, await adminTokens(suite.t.services));
  });
  after(() => suite.t.close());
  const api = (method: Method, path: string, tok = suite.token) => suite.t.request[method](`/api/admin${path}`).set("Authorization", `Bearer ${tok}`);
  return Object.assign(suite, { api });
}

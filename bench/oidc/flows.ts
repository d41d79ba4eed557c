// The HTTP steps the OIDC bench needs: a token request, and one authorization-code + PKCE flow
// through the real login form to get a refresh token for a virtual user.
import { createHash, randomBytes } from "node:crypto";
import type http from "node:http";
import { CookieJar, hiddenField, request, type Reply } from "../lib/http.ts";

const REDIRECT = "http://127.0.0.1:8765/callback";

export function tokenRequest(agent: http.Agent, base: URL, form: Record<string, string>, authorization?: string): Promise<Reply> {
  const body = new URLSearchParams(form).toString();
  return request(agent, new URL("/token", base), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)), ...(authorization ? { authorization } : {}) },
    body,
  });
}

export async function codeFlowRefreshToken(agent: http.Agent, base: URL, username: string): Promise<string> {
  const jar = new CookieJar();
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const params = new URLSearchParams({ client_id: "mobile-app", response_type: "code", scope: "openid aws", redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: "S256" });
  let url = new URL(`/auth?${params}`, base);
  for (let i = 0; i < 20; i++) {
    let res = await request(agent, url, { headers: { cookie: jar.header(), accept: "text/html" } });
    jar.store(res.headers);
    if (res.status === 200 && res.body.includes('action="/login"')) {
      const form = new URLSearchParams({ _csrf: hiddenField(res.body, "_csrf") ?? "", username, password: "demo-password", return_to: hiddenField(res.body, "return_to") ?? "" }).toString();
      res = await request(agent, new URL("/login", base), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(form)), cookie: jar.header(), origin: base.origin, accept: "text/html" },
        body: form,
      });
      jar.store(res.headers);
    }
    // interactions move on with a `Refresh: 0;url=…` page rather than a redirect
    const refresh = res.status === 200 ? /^0;url=(.+)$/.exec(String(res.headers.refresh ?? ""))?.[1] : undefined;
    if (res.status !== 302 && res.status !== 303 && !refresh) throw new Error(`code flow: ${url.pathname} answered ${res.status}`);
    const next = new URL(refresh ?? res.headers.location!, base);
    if (next.origin !== base.origin) {
      const code = next.searchParams.get("code");
      if (!code) throw new Error(`code flow ended without a code: ${next}`);
      const tokens = await tokenRequest(agent, base, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: "mobile-app", code_verifier: verifier });
      if (tokens.status !== 200) throw new Error(`code exchange answered ${tokens.status}: ${tokens.body}`);
      return (JSON.parse(tokens.body) as { refresh_token: string }).refresh_token;
    }
    url = next;
  }
  throw new Error("code flow: too many redirects");
}

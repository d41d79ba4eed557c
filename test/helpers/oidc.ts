// An app listening on a real loopback port, with IDP_BASE_URL = that origin (the issuer must equal
// the URL clients talk to), and the drivers the OIDC suites share: openid-client discovery,
// following the provider's redirects through the real login/consent pages, JWKS verification.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import assert from "node:assert/strict";
import * as oidc from "openid-client";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import supertest from "supertest";
import { startTestApp, type TestApp, type TestAppOptions } from "./app.ts";
import type { Backend } from "./db.ts";
import { Browser, DEMO_PASSWORD, csrfFrom, type Response } from "./browser.ts";

export interface OidcTestApp {
  t: TestApp;
  base: string;
  request: ReturnType<typeof supertest>;
  server: Server;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startOidcApp(backend: Backend, opts: TestAppOptions = {}): Promise<OidcTestApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp(backend, { ...opts, env: { IDP_BASE_URL: base, ...opts.env } });
  const server = t.app.listen(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  return {
    t,
    base,
    request: supertest(base),
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/** openid-client configuration from our discovery document (plain HTTP is allowed in tests). */
export async function discover(base: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  const auth = clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None();
  return oidc.discovery(new URL(base), clientId, clientSecret ? { client_secret: clientSecret } : undefined, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface DriveOptions {
  username?: string;
  password?: string;
  /** called for pages that are not the login form (consent, MFA); returns the next response */
  onPage?: (b: Browser, path: string, res: Response) => Promise<Response | undefined>;
}

/**
 * Follows same-origin redirects from `start`, signing in on the login page, until the provider
 * redirects off-site (to the client's redirect_uri). Returns that final Location.
 */
export async function drive(b: Browser, base: string, start: string, opts: DriveOptions = {}): Promise<string> {
  let path = start.startsWith(base) ? start.slice(base.length) : start;
  for (let i = 0; i < 20; i++) {
    let res = await b.get(path);
    if (res.status === 200 && /action="\/login"/.test(res.text)) {
      const returnTo = /name="return_to" value="([^"]+)"/.exec(res.text)?.[1]?.replace(/&amp;/g, "&");
      const prompt = /name="prompt" value="([^"]+)"/.exec(res.text)?.[1];
      res = await b.post("/login", { _csrf: csrfFrom(res.text), username: opts.username ?? "alice", password: opts.password ?? DEMO_PASSWORD, ...(returnTo ? { return_to: returnTo } : {}), ...(prompt ? { prompt } : {}) }, { Origin: base });
    } else if (res.status === 200 && opts.onPage) {
      const next = await opts.onPage(b, path, res);
      if (next) res = next;
    }
    const location = new URL(nextUrl(res, path), base);
    if (location.origin !== base) return location.href;
    if (location.protocol !== "http:" && location.protocol !== "https:") return location.href;
    path = location.pathname + location.search;
  }
  throw new Error("drive: too many redirects");
}

/** Where the browser goes next: a 302/303 Location, or a `Refresh: 0;url=…` page (interactions). */
export function nextUrl(res: Response, path = ""): string {
  if (res.status === 302 || res.status === 303) return res.headers.location as string;
  const refresh = res.status === 200 ? /^0;url=(.+)$/.exec(String(res.headers.refresh ?? ""))?.[1] : undefined;
  if (refresh) return refresh;
  throw new Error(`${path} answered ${res.status}\n${res.text.slice(0, 600)}`);
}

/** Verifies a JWT against our published JWKS (what AWS and every RP does). */
export async function verifyWithJwks(base: string, jwt: string, audience?: string): Promise<{ payload: JWTPayload; kid?: string }> {
  const jwks = createRemoteJWKSet(new URL(`${base}/jwks`));
  const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: base, audience, algorithms: ["RS256"] });
  return { payload, kid: protectedHeader.kid };
}

export const MOBILE_REDIRECT = "http://127.0.0.1:8765/callback";

/** A full authorization code + PKCE flow for `mobile-app` through the real pages. */
type FlowOptions = { scope?: string; browser?: Browser; username?: string; extra?: Record<string, string>; onPage?: DriveOptions["onPage"] };

/** The front-channel half of a code flow (PKCE, mobile-app): signs in and returns the callback URL, code unredeemed. */
export async function authorize(app: OidcTestApp, opts: FlowOptions = {}) {
  const config = await discover(app.base, "mobile-app");
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: MOBILE_REDIRECT, scope: opts.scope ?? "openid profile email groups aws", code_challenge: challenge, code_challenge_method: "S256", state, ...opts.extra });
  const browser = opts.browser ?? new Browser(app.request);
  const callback = await drive(browser, app.base, url.pathname + url.search, { username: opts.username, onPage: opts.onPage });
  return { config, browser, callback, verifier, state };
}

export async function codeFlow(app: OidcTestApp, opts: FlowOptions = {}) {
  const { config, browser, callback, verifier, state } = await authorize(app, opts);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state });
  return { config, tokens, browser, callback, verifier };
}

/** Hidden inputs of the provider's form with this id (oidc-provider's device-flow forms). */
export function formFields(html: string, id: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*id="${id.replace(".", "\\.")}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no form ${id} in:\n${html.slice(0, 800)}`);
  const out: Record<string, string> = {};
  for (const m of form[1]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** A person approves a device code: enters it on /device, confirms, signs in; returns the final page. */
export async function approveDevice(app: OidcTestApp, b: Browser, userCode: string, username = "alice"): Promise<Response> {
  const page = await b.get("/device");
  assert.equal(page.status, 200);
  assert.match(page.text, /Connect a device/);
  let res = await b.post("/device", { ...formFields(page.text, "op.deviceInputForm"), user_code: userCode });
  assert.equal(res.status, 200, res.text.slice(0, 500));
  assert.match(res.text, /Connect idp command-line\?/);
  res = await b.post("/device", { ...formFields(res.text, "op.deviceConfirmForm"), confirm: "yes" });
  for (let i = 0; i < 15 && (res.status === 302 || res.status === 303 || res.headers.refresh); i++) {
    const next = new URL(nextUrl(res), app.base);
    res = await b.get(next.pathname + next.search);
    if (res.status === 200 && /action="\/login"/.test(res.text)) {
      const returnTo = /name="return_to" value="([^"]+)"/.exec(res.text)![1]!.replace(/&amp;/g, "&");
      res = await b.post("/login", { _csrf: csrfFrom(res.text), username, password: DEMO_PASSWORD, return_to: returnTo }, { Origin: app.base });
    }
  }
  return res;
}

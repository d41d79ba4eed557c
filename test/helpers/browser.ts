// A minimal browser for form-driven tests (login, MFA, admin, SAML/OIDC interactions): a cookie
// jar over supertest, CSRF-aware form submission, and `login()` through the real pages.
//   const b = await login(t.request, "alice");          // signed in, cookies in b.jar
//   const res = await b.get("/account/mfa");
//   await b.submit("/account/mfa", "/account/mfa/setup", {});   // GET page → _csrf → POST
// The jar ignores Secure/Domain (tests speak plain HTTP to one host) but honours deletion.
import type supertest from "supertest";
import { TOTP_PERIOD, totpAt } from "../../src/auth/index.ts";

export type Requester = { get(url: string): supertest.Test; post(url: string): supertest.Test };
export type Response = supertest.Response;

export const DEMO_PASSWORD = "demo-password";

export class Browser {
  readonly jar = new Map<string, string>();

  constructor(public request: Requester) {}

  /** A browser with a copy of these cookies, speaking to another app instance. */
  on(request: Requester): Browser {
    const b = new Browser(request);
    for (const [k, v] of this.jar) b.jar.set(k, v);
    return b;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** The session cookie's value under either name (plain or __Host- prefixed). */
  get session(): string | undefined {
    return this.jar.get("idp_session") ?? this.jar.get("__Host-idp_session");
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.withCookies(this.request.get(path), headers);
    this.store(res);
    return res;
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.withCookies(this.request.post(path), headers).type("form").send(form);
    this.store(res);
    return res;
  }

  /** GET `pagePath`, take its first `_csrf`, POST `fields` to `action`. */
  async submit(pagePath: string, action: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const page = await this.get(pagePath, headers);
    return this.post(action, { _csrf: csrfFrom(page.text), ...fields }, headers);
  }

  private withCookies(t: supertest.Test, headers: Record<string, string>): supertest.Test {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (cookie) t.set("Cookie", cookie);
    for (const [k, v] of Object.entries(headers)) t.set(k, v);
    return t.redirects(0);
  }

  private store(res: Response): void {
    for (const line of setCookies(res)) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) < Date.now()));
      if (!value || expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

export function setCookies(res: Response): string[] {
  const h = res.headers["set-cookie"] as string[] | string | undefined;
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
}

/** The attributes of one Set-Cookie line by cookie name, lower-cased keys. */
export function cookieAttributes(res: Response, name: string): Record<string, string | true> | undefined {
  const line = setCookies(res).find((l) => l.startsWith(`${name}=`));
  if (!line) return undefined;
  const out: Record<string, string | true> = {};
  for (const a of line.split(";").slice(1)) {
    const [k = "", v] = a.trim().split("=");
    out[k.toLowerCase()] = v ?? true;
  }
  return out;
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no _csrf field in the page:\n${html.slice(0, 500)}`);
  return m[1]!;
}

/** The value of a hidden (or any) input by name, HTML entities for & < > " decoded. */
export function inputValue(html: string, name: string): string | undefined {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return m?.[1]?.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

export interface LoginOptions {
  /** a TOTP secret (base32) to answer the MFA step with (the next time step's code) */
  totpSecret?: string;
  /** or a fixed code (recovery code, or a precomputed TOTP) */
  code?: string;
  returnTo?: string;
  headers?: Record<string, string>;
}

/**
 * Signs in through the real pages and returns the browser holding the session. Throws with the
 * page text when a step does not redirect as a successful login does.
 */
export async function login(request: Requester, username: string, password = DEMO_PASSWORD, opts: LoginOptions = {}): Promise<Browser> {
  const b = new Browser(request);
  const q = opts.returnTo ? `?return_to=${encodeURIComponent(opts.returnTo)}` : "";
  const res = await b.submit(`/login${q}`, "/login", { username, password, ...(opts.returnTo ? { return_to: opts.returnTo } : {}) }, opts.headers);
  if (res.status !== 303) throw new Error(`login as ${username} failed: ${res.status}\n${res.text.slice(0, 800)}`);
  if (res.headers.location?.startsWith("/login/mfa")) {
    // the next step's code (inside the ±1 window): the current one may just have been used to
    // confirm enrolment, and a used step is refused as a replay
    const code = opts.code ?? (opts.totpSecret ? totpAt(opts.totpSecret, new Date(Date.now() + TOTP_PERIOD * 1000)) : undefined);
    if (!code) throw new Error(`${username} has two-step verification on: pass totpSecret or code`);
    const mfa = await b.submit(res.headers.location, "/login/mfa", { code, ...(opts.returnTo ? { return_to: opts.returnTo } : {}) }, opts.headers);
    if (mfa.status !== 303) throw new Error(`MFA step for ${username} failed: ${mfa.status}\n${mfa.text.slice(0, 800)}`);
  }
  return b;
}

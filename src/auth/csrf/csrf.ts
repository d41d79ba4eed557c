// CSRF tokens for every state-changing form (OWASP CSRF Prevention Cheat Sheet).
// - Signed-in (any session, MFA pending included): the synchronizer token stored in the session row.
// - Anonymous (the login page): a signed double-submit token. The browser holds a random nonce in
//   an HttpOnly cookie; the form carries HMAC(key, nonce). Nothing is written to the database for
//   a visitor, so the login page stays cheap and cannot be used to fill the sessions table.
// The HMAC key is derived from the master key, so every instance accepts every other's tokens.
// Comparisons are constant-time. Defence in depth (the token is the real check): a request the
// browser marks Sec-Fetch-Site: cross-site is refused, and, from browsers without that header, an
// Origin that is neither the base URL's nor the request's own host. "Origin: null" is not treated
// as foreign: our Referrer-Policy no-referrer makes browsers send exactly that on every POST.
import { createHmac, timingSafeEqual, hkdfSync } from "node:crypto";
import { pooledRandomBytes } from "../../keys/random-pool.ts";
import type { Request, Response } from "express";
import type { AuditLog } from "../../audit/index.ts";
import { Denied } from "../../errors.ts";
import { readCookie, setCookie } from "../session/cookies.ts";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

export type CsrfFailure = "missing" | "mismatch" | "cross_origin";

const MESSAGE = "This form has expired or did not come from this site. Go back, reload the page and try again.";
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;

/** HKDF-SHA256(master key, info) → a 32-byte key for one purpose. */
export function deriveKey(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `idp-gateway ${info}`, 32));
}

export class Csrf {
  constructor(private readonly opts: { key: Buffer; cookieName: string; secure: boolean; origin: string; audit: AuditLog }) {}

  /** Throws Denied (403) after auditing when the request fails the check. */
  async enforce(req: Request, res: Response): Promise<void> {
    const failure = this.check(req, res);
    if (!failure) return;
    const target = `${req.method} ${req.path}`.slice(0, 200);
    await this.opts.audit.record({ action: "csrf.failure", outcome: "denied", target, details: { reason: failure } });
    throw new Denied(MESSAGE);
  }

  /** The token to put in a form rendered by this response (sets the nonce cookie if needed). */
  token(req: Request, res: Response): string {
    const session = res.locals.session;
    if (session) return session.csrfToken;
    return this.sign(this.nonce(req, res));
  }

  /** Why this request fails the CSRF check, or null when it passes. */
  check(req: Request, res: Response): CsrfFailure | null {
    if (this.crossOrigin(req)) return "cross_origin";
    const sent = submitted(req);
    if (!sent) return "missing";
    const session = res.locals.session;
    if (session) return equal(sent, session.csrfToken) ? null : "mismatch";
    const nonce = readCookie(req, this.opts.cookieName);
    if (!nonce || !NONCE.test(nonce)) return "missing";
    return equal(sent, this.sign(nonce)) ? null : "mismatch";
  }

  private sign(nonce: string): string {
    return createHmac("sha256", this.opts.key).update(`csrf:${nonce}`).digest("base64url");
  }

  private nonce(req: Request, res: Response): string {
    const existing = res.locals.csrfNonce ?? readCookie(req, this.opts.cookieName);
    if (existing && NONCE.test(existing)) return existing;
    const fresh = pooledRandomBytes(18).toString("base64url");
    setCookie(res, this.opts.cookieName, fresh, this.opts.secure);
    res.locals.csrfNonce = fresh; // a second token() in this response must use the same nonce
    return fresh;
  }

  private crossOrigin(req: Request): boolean {
    const site = req.get("sec-fetch-site");
    if (site) return site === "cross-site";
    const origin = req.get("origin");
    if (!origin || origin === "null" || origin === this.opts.origin) return false;
    try {
      return new URL(origin).host !== req.get("host");
    } catch {
      return true;
    }
  }
}

function submitted(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const v = (body && typeof body === "object" ? body[CSRF_FIELD] : undefined) ?? req.get(CSRF_HEADER);
  return typeof v === "string" && v.length > 0 && v.length <= 256 ? v : undefined;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

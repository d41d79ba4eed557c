// Cookie names and attributes, and a small Cookie-header parser (no cookie-parser dependency).
// With https the names carry the __Host- prefix: the browser then only accepts them Secure, from
// this exact host, with Path=/ — a sibling subdomain cannot plant or overwrite them.
import type { Request, Response } from "express";

export interface CookieNames {
  session: string;
  csrf: string;
}

export function cookieNames(secure: boolean): CookieNames {
  return secure ? { session: "__Host-idp_session", csrf: "__Host-idp_csrf" } : { session: "idp_session", csrf: "idp_csrf" };
}

/** The first value of a cookie, or undefined; malformed pairs and bad escapes are skipped. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * A browser-session cookie (no Max-Age: it goes when the browser does; the server enforces the
 * real lifetime). HttpOnly: scripts never need it. SameSite=Lax: sent on top-level navigations
 * back from an SP or RP (SAML redirect binding, OIDC), but not on cross-site POSTs or subresources.
 */
export function setCookie(res: Response, name: string, value: string, secure: boolean): void {
  res.cookie(name, value, { httpOnly: true, sameSite: "lax", secure, path: "/" });
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { httpOnly: true, sameSite: "lax", secure, path: "/" });
}

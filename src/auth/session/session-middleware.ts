// Loads the web session named by the cookie (if any) into res.locals for every later handler, and
// names the acting user in the request context so audit events attribute actions to them.
// A cookie that no longer names a live session is cleared, so the browser stops sending it.
import type { RequestHandler } from "express";
import { currentContext } from "../../http/index.ts";
import type { Csrf } from "../csrf/csrf.ts";
import { clearCookie, readCookie, type CookieNames } from "./cookies.ts";
import type { SessionStore } from "./session-store.ts";

export function sessionMiddleware(deps: { store: SessionStore; csrf: Csrf; cookies: CookieNames; secure: boolean }): RequestHandler {
  return async (req, res, next) => {
    res.locals.csrf = deps.csrf;
    const value = readCookie(req, deps.cookies.session);
    if (!value) return next();
    const loaded = await deps.store.load(value);
    if (!loaded) {
      clearCookie(res, deps.cookies.session, deps.secure);
      return next();
    }
    res.locals.session = loaded.session;
    if (!loaded.session.pendingMfa) {
      res.locals.user = loaded.user;
      const ctx = currentContext();
      if (ctx) ctx.actor = loaded.user.username;
    }
    next();
  };
}

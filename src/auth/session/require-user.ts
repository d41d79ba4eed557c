// Guards a route for signed-in users (every factor done). Browsers are sent to the login page
// with a way back; API clients get 401 problem+json (through the shared error handler).
import type { Request, RequestHandler } from "express";
import { Unauthenticated } from "../../errors.ts";
import { wantsJson } from "../../http/index.ts";
import { safeReturnTo } from "../login/return-to.ts";

export const requireUser: RequestHandler = (req, res, next) => {
  if (res.locals.user) return next();
  if (wantsJson(req) || (req.method !== "GET" && req.method !== "HEAD")) {
    return next(new Unauthenticated("Sign in to continue."));
  }
  res.redirect(303, loginUrl(req, res.locals.session?.pendingMfa ? "/login/mfa" : "/login"));
};

/** `/login?return_to=<this request>` (or /login/mfa), for handlers that redirect themselves. */
export function loginUrl(req: Request, page = "/login"): string {
  const back = safeReturnTo(req.originalUrl);
  return back && back !== "/" ? `${page}?return_to=${encodeURIComponent(back)}` : page;
}

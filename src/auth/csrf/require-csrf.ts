// The CSRF middleware and token accessor other modules use (admin, SAML, OIDC interactions):
//   router.post("/thing", formBody, requireCsrf, handler)   and   csrfToken(req, res) for views.
// Both find the app's Csrf on res.locals (installed by the session middleware), so a module needs
// no reference to the auth service. A failure is audited and answered 403; the handler never runs.
import type { Request, RequestHandler, Response } from "express";
import type { Csrf } from "./csrf.ts";

export function csrfToken(req: Request, res: Response): string {
  return csrfOf(res).token(req, res);
}

export const requireCsrf: RequestHandler = async (req, res, next) => {
  await csrfOf(res).enforce(req, res);
  next();
};

function csrfOf(res: Response): Csrf {
  const csrf = res.locals.csrf;
  if (!csrf) throw new Error("csrf: the auth session middleware must be mounted before this route");
  return csrf;
}

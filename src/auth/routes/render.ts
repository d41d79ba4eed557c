// Renders an auth page with what the layout needs (the signed-in user, the CSRF token for the
// sign-out form) and never lets it be cached: pages are per user.
import type { Request, Response } from "express";
import type { Render } from "../../http/index.ts";
import { csrfToken } from "../csrf/require-csrf.ts";

export function page(render: Render, req: Request, res: Response, template: string, data: Record<string, unknown>, status = 200): void {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Pragma", "no-cache");
  const html = render(template, { user: res.locals.user ?? null, csrfToken: csrfToken(req, res), ...data });
  res.status(status).type("html").send(html);
}

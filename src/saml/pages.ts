// The SAML module's pages: the auto-submitting POST form that carries a response to an ACS, and
// error pages. The POST page must be allowed to submit to the SP's origin, so it widens CSP
// form-action to exactly that origin; the auto-submit script is a same-origin static file.
import type { Request, Response } from "express";
import { csrfToken } from "../auth/index.ts";
import type { Render } from "../http/index.ts";

export function renderPostForm(render: Render, res: Response, input: { action: string; param: "SAMLResponse" | "SAMLRequest"; message: string; relayState?: string; title?: string }): void {
  const origin = new URL(input.action).origin;
  res.setHeader("Content-Security-Policy", `default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action ${origin}; frame-ancestors 'none'; base-uri 'none'`);
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Pragma", "no-cache");
  const html = render("saml-post", {
    title: input.title ?? "Signing you in",
    action: input.action,
    param: input.param,
    message: Buffer.from(input.message, "utf8").toString("base64"),
    relayState: input.relayState,
    target: origin,
    user: null,
  });
  res.status(200).type("html").send(html);
}

export function renderErrorPage(render: Render, req: Request, res: Response, status: number, title: string, detail: string): void {
  res.setHeader("Cache-Control", "no-store");
  const html = render("error", { title, detail, status, requestId: res.locals.requestId, user: res.locals.user ?? null, csrfToken: res.locals.csrf ? csrfToken(req, res) : "" });
  res.status(status).type("html").send(html);
}

/**
 * Asks before an IdP-initiated sign-in that another site started (Sec-Fetch-Site: cross-site or
 * same-site): without it, any page could make a signed-in browser post a fresh assertion to an
 * SP of that page's choosing, with its RelayState. The Continue link is same-origin, so following
 * it proceeds; this page cannot be framed (frame-ancestors 'none'), so only the person can.
 */
export function renderLaunchConfirmation(render: Render, req: Request, res: Response, input: { spName: string; role?: string; continueUrl: string }): void {
  res.setHeader("Cache-Control", "no-store");
  const user = res.locals.user!;
  const html = render("saml-launch", { title: `Sign in to ${input.spName}?`, ...input, username: user.username, user, csrfToken: res.locals.csrf ? csrfToken(req, res) : "" });
  res.status(200).type("html").send(html);
}

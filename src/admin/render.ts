// Renders an admin page: the layout's needs (user, CSRF token), the admin's role (auditors see
// no write forms) and the nav; never cached (pages are per user and show live data).
import type { Request, Response } from "express";
import { csrfToken } from "../auth/index.ts";
import { DomainError } from "../errors.ts";
import type { Render } from "../http/index.ts";

export function adminPage(render: Render, req: Request, res: Response, template: string, data: Record<string, unknown>, status = 200): void {
  res.setHeader("Cache-Control", "no-store");
  const html = render(`admin/${template}`, {
    user: res.locals.user ?? null,
    csrfToken: csrfToken(req, res),
    canWrite: res.locals.admin?.role === "admin",
    role: res.locals.admin?.role,
    section: template.replace(/-.*$/, ""),
    fieldErrors: {},
    ...data,
  });
  res.status(status).type("html").send(html);
}

/**
 * Runs a form action; on a validation or concurrency error the form is drawn again with what was
 * typed, the message next to each field (400) or on top (409: changed by someone else).
 */
export async function formAction(
  res: Response,
  action: () => Promise<void>,
  redraw: (status: number, errors: { error?: string; fieldErrors: Record<string, string> }) => Promise<void> | void,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof DomainError && ["invalid", "conflict", "not_found"].includes(err.kind)) {
      if (res.headersSent) throw err;
      await redraw(err.status, { error: err.message, fieldErrors: err.fields });
      return;
    }
    throw err;
  }
}

/** Notices after a redirect, by code: a URL cannot put arbitrary text on an admin page. */
const NOTICES: Record<string, string> = {
  created: "Created.",
  saved: "Saved.",
  deleted: "Deleted.",
  disabled: "The account is disabled and its sessions are ended.",
  enabled: "The account is enabled.",
  password: "The password was set and the user's sessions are ended.",
  mfa: "Two-step verification was reset; the user sets it up again at the next sign-in.",
  sessionsEnded: "Every session of the user has ended and their app grants are revoked: they must sign in again everywhere.",
  mapped: "Mapping added.",
  unmapped: "Mapping removed.",
  rotated: "Signing keys rotated.",
  imported: "Metadata imported.",
  revokedSession: "The session is revoked: its credentials stop working now.",
  revokedOlder: "Sessions of the role issued before now are revoked; later sessions are unaffected.",
  upstreamEnabled: "The upstream IdP is enabled: its button shows on the login page.",
  upstreamDisabled: "The upstream IdP is disabled: its button is gone and sign-ins through it are refused.",
  upstreamRemoved: "The upstream IdP and its links are removed; the local users stay.",
};

/** Redirect after a successful POST with a notice code (PRG keeps reloads harmless). */
export function done(res: Response, to: string, notice: keyof typeof NOTICES & string): void {
  const sep = to.includes("?") ? "&" : "?";
  res.redirect(303, `${to}${sep}notice=${notice}`);
}

export const noticeOf = (req: Request): string | undefined => {
  const n = req.query.notice;
  return typeof n === "string" ? NOTICES[n] : undefined;
};

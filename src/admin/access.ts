// Who may use /admin: members (nesting included) of the admin group read and write; members of
// the auditor group only read. Optionally the session must have passed a second factor.
// Everyone else is refused with 403 and an audit event; anonymous visitors go to the login page.
import type { RequestHandler, Response } from "express";
import type { AuditLog } from "../audit/index.ts";
import type { Config } from "../config.ts";
import type { DirectoryService } from "../directory/index.ts";
import { requireCsrf } from "../auth/index.ts";
import { Denied } from "../errors.ts";
import { adminForm } from "./forms.ts";

export type AdminRole = "admin" | "auditor";

export interface AdminPrincipal {
  /** recorded as the actor of every write */
  actor: string;
  role: AdminRole;
}

declare global {
  namespace Express {
    interface Locals {
      /** set by the admin access guards (web session or bearer token) */
      admin?: AdminPrincipal;
    }
  }
}

/** The admin role a set of effective group names grants, if any. */
export function roleOf(groupNames: readonly string[], cfg: Config["admin"]): AdminRole | undefined {
  if (groupNames.includes(cfg.group)) return "admin";
  if (groupNames.includes(cfg.auditorGroup)) return "auditor";
  return undefined;
}

/** Second factor present in the session: RFC 8176 "otp" (TOTP/recovery code) or "mfa". */
const hasMfa = (amr: readonly string[]) => amr.includes("otp") || amr.includes("mfa");

export function requireAdminSession(deps: { config: Config; directory: DirectoryService; audit: AuditLog }): RequestHandler {
  return async (req, res, next) => {
    const user = res.locals.user!; // requireUser ran first
    const groups = (await deps.directory.effectiveGroups(user.id)).map((g) => g.name);
    const role = roleOf(groups, deps.config.admin);
    const refuse = async (reason: string, message: string) => {
      await deps.audit.record({ actor: user.username, action: "admin.access", outcome: "denied", target: `${req.method} ${req.path}`.slice(0, 200), details: { reason } });
      throw new Denied(message);
    };
    if (!role) return refuse("not_admin", "Only administrators can open the admin pages.");
    if (deps.config.admin.requireMfa && !hasMfa(res.locals.session?.amr ?? [])) {
      return refuse("mfa_required", "Administrators must sign in with two-step verification. Turn it on under Security, sign out and sign in again.");
    }
    res.locals.admin = { actor: user.username, role };
    next();
  };
}

/** Writes need the admin role; auditors read only (an attempt is audited). */
export function requireWriter(audit: AuditLog): RequestHandler {
  return async (req, res, next) => {
    const admin = res.locals.admin;
    if (admin?.role === "admin") return next();
    await audit.record({ actor: admin?.actor, action: "admin.write", outcome: "denied", target: `${req.method} ${req.path}`.slice(0, 200), details: { reason: "read_only" } });
    throw new Denied("Auditors can look but not change anything.");
  };
}

/** What every admin form post passes first: the body parser, the CSRF check, the write check. */
export function writeGuards(s: { audit: AuditLog }): RequestHandler[] {
  return [adminForm, requireCsrf, requireWriter(s.audit)];
}

export function actorOf(res: Response): string {
  const a = res.locals.admin;
  if (!a) throw new Denied("Not an administrator.");
  return a.actor;
}

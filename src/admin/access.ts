// Who may use /admin: members (nesting included) of the admin group read and write; members of
// the auditor group only read. Optionally the session must have passed a second factor.
// Everyone else is refused with 403 and an audit event; anonymous visitors go to the login page.
import type { RequestHandler, Response } from "express";
import type { AuditLog } from "../audit/index.ts";
import type { Config } from "../config.ts";
import type { DirectoryService } from "../directory/index.ts";
import { Denied } from "../errors.ts";

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

/** Writes need the admin role; auditors read only. */
export const requireWriter: RequestHandler = (_req, res, next) => {
  if (res.locals.admin?.role !== "admin") throw new Denied("Auditors can look but not change anything.");
  next();
};

export function actorOf(res: Response): string {
  const a = res.locals.admin;
  if (!a) throw new Denied("Not an administrator.");
  return a.actor;
}

// /account/mfa: a signed-in user's two-step verification settings.
//   GET                          status; the QR code and secret while a set-up waits for its code
//   POST /setup                  generate a secret (replacing an unconfirmed one)
//   POST /confirm   code         turn on; show the recovery codes once
//   POST /cancel                 drop an unconfirmed set-up
//   POST /disable   code         turn off (needs a current code or a recovery code)
//   POST /recovery-codes  code   replace the recovery codes; show them once
// Wrong codes here count toward the account lockout like at login: a stolen session must not
// become a way to guess codes without limit.
import { Router, type Request, type Response } from "express";
import { DomainError } from "../../errors.ts";
import type { Render } from "../../http/index.ts";
import type { AuthService } from "../auth-service.ts";
import { requireCsrf } from "../csrf/require-csrf.ts";
import { requireUser } from "../session/require-user.ts";
import { field, formBody } from "./forms.ts";
import { page } from "./render.ts";

const WRONG_CODE = "That code did not work. Enter the current code from your app, or an unused recovery code.";
const NOTICES: Record<string, string> = {
  disabled: "Two-step verification is off.",
  cancelled: "The set-up was cancelled.",
};

export function accountMfaRoutes(auth: AuthService, render: Render): Router {
  const r = Router();
  r.use("/account/mfa", requireUser);

  const show = async (req: Request, res: Response, extra: { error?: string; notice?: string } = {}, status = 200) => {
    const user = res.locals.user!;
    const status_ = await auth.mfa.status(user.id);
    const enrolment = status_.pending ? await auth.mfa.pendingEnrolment(user) : null;
    page(render, req, res, "account-mfa", { title: "Two-step verification", mfa: status_, enrolment, ...extra }, status);
  };
  const showCodes = (req: Request, res: Response, codes: string[], fresh: boolean) =>
    page(render, req, res, "account-mfa-codes", { title: "Recovery codes", codes, fresh });

  r.get("/account/mfa", (req, res) => show(req, res, { notice: NOTICES[String(req.query.done)] }));

  r.post("/account/mfa/setup", formBody, requireCsrf, async (_req, res) => {
    await auth.mfa.beginEnrolment(res.locals.user!);
    res.redirect(303, "/account/mfa");
  });

  r.post("/account/mfa/confirm", formBody, requireCsrf, async (req, res) => {
    const user = res.locals.user!;
    let codes: string[];
    try {
      // other sessions were authenticated without the new factor: they end with the enrolment
      const session = res.locals.session!.id;
      codes = await auth.mfa.confirmEnrolment(user, field(req, "code"), (tx) => auth.sessions.endOthers(user.id, session, tx));
    } catch (err) {
      if (err instanceof DomainError && err.kind === "invalid") return show(req, res, { error: err.fields.code ?? err.message }, 400);
      throw err;
    }
    showCodes(req, res, codes, true);
  });

  r.post("/account/mfa/cancel", formBody, requireCsrf, async (_req, res) => {
    await auth.mfa.cancelEnrolment(res.locals.user!);
    res.redirect(303, "/account/mfa?done=cancelled");
  });

  r.post("/account/mfa/disable", formBody, requireCsrf, async (req, res) => {
    const user = res.locals.user!;
    const code = field(req, "code").trim();
    if (!code) return show(req, res, { error: "Enter a code." }, 400);
    if (!(await auth.login.secondFactor(user, code, req.ip, "disable"))) return show(req, res, { error: WRONG_CODE }, 400);
    await auth.mfa.disable(user);
    res.redirect(303, "/account/mfa?done=disabled");
  });

  r.post("/account/mfa/recovery-codes", formBody, requireCsrf, async (req, res) => {
    const user = res.locals.user!;
    const code = field(req, "code").trim();
    if (!code) return show(req, res, { error: "Enter a code." }, 400);
    if (!(await auth.login.secondFactor(user, code, req.ip, "recovery_codes"))) return show(req, res, { error: WRONG_CODE }, 400);
    showCodes(req, res, await auth.mfa.regenerateRecoveryCodes(user), false);
  });

  return r;
}

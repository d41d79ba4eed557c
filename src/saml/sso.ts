// SP-initiated SSO (/saml/sso, Redirect and POST), its resumption after login (/saml/resume), and
// IdP-initiated SSO (/saml/idp-init?sp=<entityID>[&role=<role ARN>]). One web session serves SAML and OIDC: an
// anonymous visitor goes to /login with a return_to that resumes the request.
import { Router, type Request, type Response } from "express";
import type { AuditLog } from "../audit/index.ts";
import type { CryptoBox } from "../keys/index.ts";
import { AuthnRequestError, validateAuthnRequest } from "./authn-request.ts";
import { readMessage, samlFormBody } from "./bindings.ts";
import { SamlError } from "./errors.ts";
import { countRefused } from "./assertion-metrics.ts";
import type { ServiceProviderRecord } from "../directory/index.ts";
import { issueResponse, sendStatus, type IssueDeps } from "./issue.ts";
import { renderErrorPage, renderLaunchConfirmation } from "./pages.ts";
import { openPending, sealPending, type PendingRequest } from "./pending.ts";
import type { ReplayCache } from "./replay.ts";

export interface SsoDeps extends IssueDeps {
  box: CryptoBox;
  replay: ReplayCache;
  /** deletes the web session and its cookie (AuthService.endSession) */
  endSession(res: Response): Promise<void>;
}

export function ssoRoutes(d: SsoDeps): Router {
  const r = Router();

  const sso = async (req: Request, res: Response) => {
    let valid;
    try {
      valid = await validateAuthnRequest(readMessage(req, "SAMLRequest"), await d.directory.snapshot(), d.replay, new Date(), `${d.baseUrl}/saml/sso`);
    } catch (err) {
      const e = err instanceof AuthnRequestError ? err : err instanceof SamlError ? new AuthnRequestError(err, {}) : undefined;
      if (!e) throw err;
      return refuse(d, req, res, e);
    }
    const pending: PendingRequest = {
      sp: valid.sp.entityId,
      acs: valid.sp.acsUrls.indexOf(valid.acsUrl),
      id: valid.id,
      relayState: valid.relayState,
      forceAuthn: valid.forceAuthn,
      isPassive: valid.isPassive,
      at: Date.now(),
    };
    const user = res.locals.user;
    if (user && !valid.forceAuthn) return issueResponse(d, req, res, { sp: valid.sp, acsUrl: valid.acsUrl, inResponseTo: valid.id, relayState: valid.relayState, initiated: "sp" });
    const back = `/saml/resume?r=${encodeURIComponent(sealPending(d.box, pending))}`;
    // A cross-site POST carries no SameSite=Lax session cookie: look again on a top-level GET
    // (/saml/resume) before concluding that nobody is signed in.
    if (!user && valid.binding === "post") return res.redirect(303, back);
    if (valid.isPassive) return noPassive(d, res, pending, valid.sp, valid.acsUrl);
    res.redirect(303, `/login?${valid.forceAuthn ? "prompt=login&" : ""}return_to=${encodeURIComponent(back)}`);
  };
  r.get("/saml/sso", sso);
  r.post("/saml/sso", samlFormBody, sso);

  r.get("/saml/resume", async (req, res) => {
    let p: PendingRequest;
    try {
      p = openPending(d.box, req.query.r, new Date());
    } catch (err) {
      if (!(err instanceof SamlError)) throw err;
      return refuse(d, req, res, new AuthnRequestError(err, {}));
    }
    const sp = (await d.directory.snapshot()).spByEntityId.get(p.sp);
    const acsUrl = sp?.acsUrls[p.acs];
    if (!sp || !acsUrl) return refuse(d, req, res, new AuthnRequestError(new SamlError("Requester", "The service provider's registration changed; start again from the application.", { reason: "unknown_sp" }), {}));
    const session = res.locals.session;
    const freshEnough = !p.forceAuthn || (session?.authTime && session.authTime.getTime() > p.at);
    if (!res.locals.user || !freshEnough) {
      if (p.isPassive) return noPassive(d, res, p, sp, acsUrl);
      return res.redirect(303, `/login?${p.forceAuthn ? "prompt=login&" : ""}return_to=${encodeURIComponent(req.originalUrl)}`);
    }
    return issueResponse(d, req, res, { sp, acsUrl, inResponseTo: p.id, relayState: p.relayState, initiated: "sp" });
  });

  r.get("/saml/idp-init", async (req, res) => {
    const entityId = typeof req.query.sp === "string" ? req.query.sp : "";
    const relayState = typeof req.query.RelayState === "string" && req.query.RelayState.length <= 1024 ? req.query.RelayState : undefined;
    const sp = entityId ? (await d.directory.snapshot()).spByEntityId.get(entityId) : undefined;
    if (!sp) {
      return refuse(d, req, res, new AuthnRequestError(new SamlError("Requester", "There is no such application registered here.", { reason: "unknown_sp", httpStatus: 404 }), {}));
    }
    const roleArn = req.query.role;
    if (roleArn !== undefined && (typeof roleArn !== "string" || roleArn.length > 2048)) {
      return refuse(d, req, res, new AuthnRequestError(new SamlError("Requester", "The role must be one role ARN.", { reason: "bad_role", httpStatus: 400 }), {}));
    }
    if (!res.locals.user) return res.redirect(303, `/login?return_to=${encodeURIComponent(req.originalUrl)}`);
    if (startedElsewhere(req)) return renderLaunchConfirmation(d.render, req, res, { spName: sp.name, role: roleArn, continueUrl: req.originalUrl });
    return issueResponse(d, req, res, { sp, acsUrl: sp.acsUrls[0]!, relayState, initiated: "idp", roleArn });
  });

  return r;
}

/**
 * A navigation another site started (Fetch Metadata). Typed or bookmarked URLs ("none"), our own
 * links ("same-origin") and clients that send no such header (CLIs, older browsers) go ahead.
 */
function startedElsewhere(req: Request): boolean {
  const site = req.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

async function noPassive(d: SsoDeps, res: Response, p: PendingRequest, sp: ServiceProviderRecord, acsUrl: string): Promise<void> {
  const err = new SamlError("Responder", "The user is not signed in and the request does not allow asking.", { sub: "NoPassive", reason: "no_passive" });
  await d.audit.record({ action: "saml.sso", target: sp.entityId, outcome: "failure", details: { reason: err.reason, requestId: p.id } });
  countRefused(d.metrics, sp, err);
  sendStatus(d, res, { acsUrl, inResponseTo: p.id, relayState: p.relayState }, err);
}

/** Audits and counts the refusal, then answers the SP (verified ACS known) or the person (HTML page). */
async function refuse(d: SsoDeps, req: Request, res: Response, e: AuthnRequestError): Promise<void> {
  const { error, context } = e;
  await d.audit.record({
    actor: res.locals.user?.username,
    action: "saml.sso",
    target: context.sp?.entityId,
    outcome: "failure",
    details: { reason: error.reason, message: error.message, requestId: context.requestId, binding: req.method === "GET" ? "redirect" : "post" },
  });
  countRefused(d.metrics, context.sp, error);
  if (context.sp && context.acsUrl) return sendStatus(d, res, { acsUrl: context.acsUrl, inResponseTo: context.requestId, relayState: context.relayState }, error);
  renderErrorPage(d.render, req, res, error.httpStatus, "Sign-in request refused", error.message);
}

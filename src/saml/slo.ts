// Single Logout (SAML Profiles §4.4), front-channel:
// - SP-initiated: a LogoutRequest at /saml/slo (Redirect or POST) from a registered SP, signed
//   with one of its certificates (always required), fresh and not replayed. We end the web session, tell the session's other SPs (a signed Redirect
//   LogoutRequest each, loaded in hidden frames on the page), and POST a LogoutResponse back.
// - IdP-initiated: POST /saml/logout (CSRF) from the user's own pages does the same without the
//   LogoutResponse. A LogoutResponse arriving at /saml/slo (from a notified SP) is acknowledged.
import { Router, type Request, type Response } from "express";
import { formBody, requireCsrf } from "../auth/index.ts";
import type { ServiceProviderRecord } from "../directory/index.ts";
import { verifyRedirectSignature, readMessage, samlFormBody, signedRedirectUrl } from "./bindings.ts";
import { SamlError, STATUS } from "./errors.ts";
import { participationsOf, type SamlParticipation } from "./issue.ts";
import { renderErrorPage } from "./pages.ts";
import { MAX_REQUEST_AGE_SECONDS, REQUEST_SKEW_SECONDS } from "./authn-request.ts";
import { newId, samlTime } from "./response.ts";
import { signElement, verifyElementSignature } from "./signing.ts";
import { time } from "./verify.ts";
import { NS, attr, child, esc, isSamlId, parseXml, textOf } from "./xml.ts";
import type { SsoDeps } from "./sso.ts";

export function sloRoutes(d: SsoDeps): Router {
  const r = Router();

  const slo = async (req: Request, res: Response) => {
    let msgXml: Document;
    let msg;
    try {
      const param = req.method === "GET" ? (new URL(req.originalUrl, "http://x").searchParams.has("SAMLResponse") ? "SAMLResponse" : "SAMLRequest") : (req.body as Record<string, unknown>)?.SAMLResponse !== undefined ? "SAMLResponse" : "SAMLRequest";
      msg = readMessage(req, param);
      msgXml = parseXml(msg.xml, param);
    } catch (err) {
      if (!(err instanceof SamlError)) throw err;
      await d.audit.record({ action: "saml.slo", outcome: "failure", details: { reason: err.reason, message: err.message } });
      return renderErrorPage(d.render, req, res, err.httpStatus, "Sign-out request refused", err.message);
    }
    const root = msgXml.documentElement!;
    if (root.namespaceURI === NS.samlp && root.localName === "LogoutResponse") {
      // an SP we notified answers; nothing to do but acknowledge
      await d.audit.record({ action: "saml.slo.response", outcome: "success", target: issuerOf(root) });
      return res.status(200).type("text/plain").send("Logout acknowledged.");
    }
    let sp: ServiceProviderRecord | undefined;
    let requestId: string | undefined;
    try {
      if (root.namespaceURI !== NS.samlp || root.localName !== "LogoutRequest") throw new SamlError("Requester", "This is not a LogoutRequest.", { reason: "malformed" });
      sp = (await d.directory.snapshot()).spByEntityId.get(issuerOf(root));
      if (!sp) throw new SamlError("Requester", "The request comes from a service provider that is not registered here.", { reason: "unknown_sp" });
      if (!sp.sloUrl) throw new SamlError("Requester", "This service provider has no Single Logout URL registered.", { reason: "no_slo_url" });
      // Profiles §4.4.4.1: a LogoutRequest over Redirect or POST MUST be signed. Unsigned ones
      // would let any web page sign our users out (logout CSRF), so they are refused.
      // for an error reply only (to the SP's registered SLO URL): the unverified ID as InResponseTo
      requestId = isSamlId(attr(root, "ID")) ? attr(root, "ID") : undefined;
      let el = root;
      if (msg.binding === "redirect") {
        if (!msg.redirectSignature) throw new SamlError("Requester", "A LogoutRequest must be signed.", { reason: "bad_signature" });
        verifyRedirectSignature(msg.redirectSignature, sp.certificates);
      } else {
        el = parseXml(verifyElementSignature(msg.xml, root, sp.certificates, "LogoutRequest signature"), "signed LogoutRequest").documentElement!;
      }
      requestId = attr(el, "ID");
      if (!isSamlId(requestId)) throw new SamlError("Requester", "The LogoutRequest has no valid ID.", { reason: "malformed" });
      const issued = time(attr(el, "IssueInstant"), "IssueInstant", true)!;
      const age = Date.now() - issued.getTime();
      if (age > (MAX_REQUEST_AGE_SECONDS + REQUEST_SKEW_SECONDS) * 1000 || -age > REQUEST_SKEW_SECONDS * 1000) throw new SamlError("Requester", "The LogoutRequest is stale.", { reason: "stale" });
      const expires = new Date(issued.getTime() + (MAX_REQUEST_AGE_SECONDS + 2 * REQUEST_SKEW_SECONDS) * 1000);
      if (!(await d.replay.claim("logout", sp.entityId, requestId, expires))) throw new SamlError("Requester", "This LogoutRequest was already used.", { reason: "replay" });
      const nameIdEl = child(el, NS.saml, "NameID", "LogoutRequest");
      const mine = participation(res)[sp.entityId];
      // a LogoutRequest for someone else's session must not end this one
      if (mine && nameIdEl && textOf(nameIdEl) !== mine.nameId) throw new SamlError("Requester", "The LogoutRequest names another user.", { reason: "nameid_mismatch" });
    } catch (err) {
      if (!(err instanceof SamlError)) throw err;
      await d.audit.record({ action: "saml.slo", target: sp?.entityId, outcome: "failure", details: { reason: err.reason, message: err.message, requestId } });
      if (sp?.sloUrl && requestId) return logoutPage(d, req, res, [], { sp, inResponseTo: requestId, relayState: msg.relayState, status: err.top });
      return renderErrorPage(d.render, req, res, err.httpStatus, "Sign-out request refused", err.message);
    }
    const others = await endSession(d, res, sp.entityId);
    await d.audit.record({ action: "saml.slo", target: sp.entityId, outcome: "success", details: { initiated: "sp", requestId, notified: others.map((o) => o.sp.entityId) } });
    return logoutPage(d, req, res, others, { sp, inResponseTo: requestId!, relayState: msg.relayState, status: "Success" });
  };
  r.get("/saml/slo", slo);
  r.post("/saml/slo", samlFormBody, slo);

  r.post("/saml/logout", formBody, requireCsrf, async (req, res) => {
    const username = res.locals.user?.username;
    const others = await endSession(d, res);
    await d.audit.record({ actor: username, action: "saml.slo", outcome: "success", details: { initiated: "idp", notified: others.map((o) => o.sp.entityId) } });
    return logoutPage(d, req, res, others);
  });
  return r;
}

interface Notify {
  sp: ServiceProviderRecord;
  url: string;
}

function participation(res: Response): Record<string, SamlParticipation> {
  return participationsOf(res.locals.session?.data ?? {});
}

/** Ends the web session; returns a signed Redirect LogoutRequest for each other SP it touched. */
async function endSession(d: SsoDeps, res: Response, except?: string): Promise<Notify[]> {
  const seen = participation(res);
  const snapshot = await d.directory.snapshot();
  await d.endSession(res);
  const out: Notify[] = [];
  for (const [entityId, p] of Object.entries(seen)) {
    const sp = snapshot.spByEntityId.get(entityId);
    if (entityId === except || !sp?.sloUrl) continue;
    const xml =
      `<samlp:LogoutRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${newId()}" Version="2.0" IssueInstant="${samlTime(new Date())}" Destination="${esc(sp.sloUrl)}">` +
      `<saml:Issuer>${esc(d.baseUrl)}</saml:Issuer><saml:NameID Format="${esc(p.nameIdFormat)}">${esc(p.nameId)}</saml:NameID>` +
      `<samlp:SessionIndex>${esc(p.sessionIndex)}</samlp:SessionIndex></samlp:LogoutRequest>`;
    out.push({ sp, url: signedRedirectUrl(sp.sloUrl, "SAMLRequest", xml, d.keys.activeKey().privateKey) });
  }
  return out;
}

function logoutPage(d: SsoDeps, req: Request, res: Response, notify: Notify[], reply?: { sp: ServiceProviderRecord; inResponseTo: string; relayState?: string; status: keyof typeof STATUS }): void {
  const frames = notify.map((n) => ({ name: n.sp.name, url: n.url }));
  let form: { action: string; message: string; relayState?: string } | undefined;
  if (reply?.sp.sloUrl) {
    const id = newId();
    const xml =
      `<samlp:LogoutResponse xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" IssueInstant="${samlTime(new Date())}" Destination="${esc(reply.sp.sloUrl)}" InResponseTo="${esc(reply.inResponseTo)}">` +
      `<saml:Issuer>${esc(d.baseUrl)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${STATUS[reply.status]}"/></samlp:Status></samlp:LogoutResponse>`;
    form = { action: reply.sp.sloUrl, message: Buffer.from(signElement(xml, id, d.keys.activeKey()), "utf8").toString("base64"), relayState: reply.relayState };
  }
  const origins = [...new Set([...notify.map((n) => new URL(n.url).origin), ...(form ? [new URL(form.action).origin] : [])])];
  res.setHeader(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-src ${origins.join(" ") || "'none'"}; form-action 'self' ${form ? new URL(form.action).origin : ""}; frame-ancestors 'none'; base-uri 'none'`,
  );
  res.setHeader("Cache-Control", "no-store");
  res.status(200).type("html").send(d.render("saml-logout", { title: "Signed out", frames, form, user: null }));
  void req;
}

function issuerOf(el: Element): string {
  const i = child(el, NS.saml, "Issuer", el.localName ?? "message");
  return i ? textOf(i).trim() : "";
}

// Validates an incoming AuthnRequest (SAML Core §3.4.1, Profiles §4.1.4.1), in this order:
//   1. parse safely; root, Version, ID;
//   2. Issuer is a registered SP;                                  → else HTML page (no one to answer)
//   3. the ACS URL is one of the SP's registered URLs (by URL or index; default: the first);
//      the request's URL is only ever *compared*, never used       → else HTML page
//   -- from here on, errors go back to that ACS as a SAML status --
//   4. signature when the SP requires it (or sends one): Redirect over the raw query octets,
//      POST via xml-crypto, then every field is re-read from what the signature covered;
//   5. Destination (when present) is our SSO URL; IssueInstant fresh; ProtocolBinding HTTP-POST;
//      NameIDPolicy we can satisfy;
//   6. the ID not seen before (shared replay cache).
import type { DirectorySnapshot, ServiceProviderRecord } from "../directory/index.ts";
import { verifyRedirectSignature, type IncomingMessage } from "./bindings.ts";
import { SamlError } from "./errors.ts";
import { BINDINGS } from "./metadata.ts";
import type { ReplayCache } from "./replay.ts";
import { verifyElementSignature } from "./signing.ts";
import { time } from "./verify.ts";
import { NS, attr, child, isSamlId, parseXml, textOf } from "./xml.ts";

export const MAX_REQUEST_AGE_SECONDS = 300;
export const REQUEST_SKEW_SECONDS = 60;
const UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

export interface ValidAuthnRequest {
  id: string;
  sp: ServiceProviderRecord;
  acsUrl: string;
  relayState?: string;
  forceAuthn: boolean;
  isPassive: boolean;
  binding: IncomingMessage["binding"];
}

/** What is known when validation fails: with sp and acsUrl set, the error can go back to the SP. */
export interface RequestContext {
  sp?: ServiceProviderRecord;
  acsUrl?: string;
  requestId?: string;
  relayState?: string;
}

export class AuthnRequestError extends Error {
  constructor(
    readonly error: SamlError,
    readonly context: RequestContext,
  ) {
    super(error.message);
  }
}

export async function validateAuthnRequest(msg: IncomingMessage, snapshot: DirectorySnapshot, replay: ReplayCache, now: Date, ssoUrl: string): Promise<ValidAuthnRequest> {
  const ctx: RequestContext = { relayState: msg.relayState };
  try {
    return await validate(msg, snapshot, replay, now, ssoUrl, ctx);
  } catch (err) {
    if (err instanceof SamlError) throw new AuthnRequestError(err, ctx);
    throw err;
  }
}

async function validate(msg: IncomingMessage, snapshot: DirectorySnapshot, replay: ReplayCache, now: Date, ssoUrl: string, ctx: RequestContext): Promise<ValidAuthnRequest> {
  const doc = parseXml(msg.xml, "SAMLRequest");
  let req = doc.documentElement!;
  if (req.namespaceURI !== NS.samlp || req.localName !== "AuthnRequest") throw new SamlError("Requester", "SAMLRequest is not an AuthnRequest.", { reason: "malformed", sub: "RequestUnsupported" });

  const sp = spOf(req, snapshot);
  ctx.sp = sp;
  ctx.acsUrl = acsOf(req, sp);

  // 4. signature, then read everything again from the signed bytes only
  if (msg.binding === "redirect") {
    if (msg.redirectSignature) verifyRedirectSignature(msg.redirectSignature, sp.certificates);
    else if (sp.wantAuthnRequestsSigned) throw new SamlError("Requester", "This service provider must sign its requests.", { reason: "bad_signature", sub: "RequestDenied" });
  } else {
    const signed = req.getElementsByTagNameNS(NS.ds, "Signature").length > 0;
    if (signed || sp.wantAuthnRequestsSigned) {
      req = parseXml(verifyElementSignature(msg.xml, req, sp.certificates, "AuthnRequest signature"), "signed AuthnRequest").documentElement!;
      if (spOf(req, snapshot).entityId !== sp.entityId || acsOf(req, sp) !== ctx.acsUrl) throw new SamlError("Requester", "The signed request differs from the request.", { reason: "bad_signature", sub: "RequestDenied" });
    }
  }

  const id = attr(req, "ID");
  if (!isSamlId(id)) throw new SamlError("Requester", "The AuthnRequest has no valid ID.", { reason: "malformed" });
  ctx.requestId = id;
  if (attr(req, "Version") !== "2.0") throw new SamlError("VersionMismatch", "Only SAML 2.0 requests are accepted.", { reason: "malformed" });

  // 5. addressed to us, fresh, a binding and NameID policy we support
  const destination = attr(req, "Destination");
  if (destination !== undefined && destination !== ssoUrl) throw new SamlError("Requester", "The request's Destination is not this identity provider.", { reason: "destination", sub: "RequestDenied" });
  const issued = time(attr(req, "IssueInstant"), "IssueInstant", true)!;
  const age = now.getTime() - issued.getTime();
  if (age > (MAX_REQUEST_AGE_SECONDS + REQUEST_SKEW_SECONDS) * 1000) throw new SamlError("Requester", "The AuthnRequest is too old.", { reason: "stale", sub: "RequestDenied" });
  if (-age > REQUEST_SKEW_SECONDS * 1000) throw new SamlError("Requester", "The AuthnRequest was issued in the future.", { reason: "stale", sub: "RequestDenied" });
  const binding = attr(req, "ProtocolBinding");
  if (binding !== undefined && binding !== BINDINGS.post) throw new SamlError("Requester", "Responses are sent with HTTP-POST only.", { reason: "unsupported_binding", sub: "UnsupportedBinding" });
  const policy = child(req, NS.samlp, "NameIDPolicy", "AuthnRequest");
  const format = policy && attr(policy, "Format");
  if (format !== undefined && format !== UNSPECIFIED && format !== sp.nameIdFormat) {
    throw new SamlError("Requester", `This service provider receives NameID format ${sp.nameIdFormat}.`, { reason: "nameid_policy", sub: "InvalidNameIDPolicy" });
  }

  // 6. one-time use, across instances (the row lives until the request would be stale anyway)
  const expires = new Date(issued.getTime() + (MAX_REQUEST_AGE_SECONDS + 2 * REQUEST_SKEW_SECONDS) * 1000);
  if (!(await replay.claim("authn", sp.entityId, id, expires))) throw new SamlError("Requester", "This AuthnRequest was already used.", { reason: "replay", sub: "RequestDenied" });

  return {
    id,
    sp,
    acsUrl: ctx.acsUrl,
    relayState: msg.relayState,
    forceAuthn: bool(attr(req, "ForceAuthn")),
    isPassive: bool(attr(req, "IsPassive")),
    binding: msg.binding,
  };
}

function spOf(req: Element, snapshot: DirectorySnapshot): ServiceProviderRecord {
  const issuerEl = child(req, NS.saml, "Issuer", "AuthnRequest");
  const issuer = issuerEl ? textOf(issuerEl).trim() : "";
  const sp = issuer ? snapshot.spByEntityId.get(issuer) : undefined;
  if (!sp) throw new SamlError("Requester", issuer ? "The request comes from a service provider that is not registered here." : "The AuthnRequest has no Issuer.", { reason: "unknown_sp", sub: "RequestDenied" });
  return sp;
}

/** Never trust an ACS URL because the request names it: it must be registered for this SP. */
function acsOf(req: Element, sp: ServiceProviderRecord): string {
  const url = attr(req, "AssertionConsumerServiceURL");
  const index = attr(req, "AssertionConsumerServiceIndex");
  if (url !== undefined) {
    if (!sp.acsUrls.includes(url)) throw new SamlError("Requester", "The AssertionConsumerServiceURL is not registered for this service provider.", { reason: "unregistered_acs", sub: "RequestDenied" });
    return url;
  }
  if (index !== undefined) {
    const i = /^\d{1,2}$/.test(index) ? Number(index) : -1;
    if (!(i >= 0 && i < sp.acsUrls.length)) throw new SamlError("Requester", "The AssertionConsumerServiceIndex is not registered for this service provider.", { reason: "unregistered_acs", sub: "RequestDenied" });
    return sp.acsUrls[i]!;
  }
  return sp.acsUrls[0]!;
}

const bool = (v: string | undefined) => v === "true" || v === "1";

// This gateway as a SAML 2.0 service provider of an upstream SAML IdP: the AuthnRequest it sends
// (HTTP-Redirect binding, always signed with the gateway's active signing key, because many IdPs
// refuse unsigned requests: Keycloak by default, Shibboleth and ADFS when set to), its SP metadata
// (the published signing certificates, as in our IdP metadata, so a rotation does not break an
// IdP that imported it), and the check of the response posted back to the ACS.
// The response check is the STS's hardened verifier (saml/strict: DOCTYPE refused, one assertion,
// signature-wrapping defences, allowed algorithms only, keys from the configured certificates
// only, data read from the signed octets), plus what an SP-initiated sign-in adds: the
// SubjectConfirmation answers *this* request (InResponseTo), Recipient/Destination are our ACS
// URL, Audience is our SP entity ID. A non-Success status is reported apart (UpstreamStatus):
// it carries no assertion, and it can only ever refuse a sign-in.
import { randomBytes, type KeyObject } from "node:crypto";
import type { PublicKeyInfo } from "../../keys/index.ts";
import { signedRedirectUrl } from "../../saml/bindings.ts";
import { signingKeyDescriptors } from "../../saml/metadata.ts";
import { AUTHN_CONTEXT } from "../../saml/response.ts";
import { NS, child, decodeSamlResponse, errorStatus, parseXml, readAssertion, time, verifySamlSignature, type SamlFacts } from "../../saml/strict/index.ts";
import { esc } from "../../saml/xml.ts";
import type { SamlUpstream } from "./upstream-idps.ts";

const HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
/** AuthnContextClassRefs that mean more than one factor was used */
const MFA_CONTEXTS = new Set<string>([AUTHN_CONTEXT.mfa, "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract", "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken"]);

/** Where this SP lives for one upstream IdP: its entity ID (= its metadata URL) and ACS URL. */
export interface SpEndpoints {
  entityId: string;
  acsUrl: string;
}

export const newRequestId = () => `_${randomBytes(20).toString("hex")}`;

/** The IdP's SSO URL with SAMLRequest (deflated, base64), RelayState, SigAlg and Signature, per the Redirect binding. */
export function authnRequestUrl(idp: Pick<SamlUpstream, "ssoUrl">, sp: SpEndpoints, o: { id: string; now: Date; relayState: string; forceAuthn: boolean; privateKey: KeyObject }): string {
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${o.id}" Version="2.0" IssueInstant="${o.now.toISOString()}"` +
    ` Destination="${esc(idp.ssoUrl)}" AssertionConsumerServiceURL="${esc(sp.acsUrl)}" ProtocolBinding="${HTTP_POST}"${o.forceAuthn ? ` ForceAuthn="true"` : ""}>` +
    `<saml:Issuer>${esc(sp.entityId)}</saml:Issuer><samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>`;
  return signedRedirectUrl(idp.ssoUrl, "SAMLRequest", xml, o.privateKey, o.relayState);
}

/**
 * SP metadata to register at the upstream IdP: signed AuthnRequests, verifiable with any of the
 * published keys (KeyService.publishedKeys(): the active one first, then the next, then recently
 * retired ones); one HTTP-POST ACS; signed assertions wanted.
 */
export function spMetadata(sp: SpEndpoints, keys: readonly Pick<PublicKeyInfo, "kid" | "certificateBase64">[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${NS.ds}" entityID="${esc(sp.entityId)}">` +
    `<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="${NS.samlp}">` +
    signingKeyDescriptors(keys) +
    `<md:AssertionConsumerService Binding="${HTTP_POST}" Location="${esc(sp.acsUrl)}" index="0" isDefault="true"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>\n`
  );
}

/** The IdP answered with a status other than Success (the person was refused or cancelled). */
export class UpstreamStatus extends Error {
  constructor(readonly code: string) {
    super(`upstream status ${code}`);
  }
}

export interface UpstreamAssertion {
  facts: SamlFacts;
  /** first value of each attribute, by Name, plus NameID and sub (= NameID, the link key) */
  claims: Record<string, string>;
  mfa: boolean;
  authnInstant?: Date;
}

/**
 * Verifies a posted SAMLResponse for the sign-in that sent request `requestId`. Throws
 * SamlRejected (saml/strict) for anything not acceptable, UpstreamStatus for an error status.
 */
export function verifyUpstreamResponse(idp: SamlUpstream, sp: SpEndpoints, samlResponse: unknown, requestId: string, now: Date): UpstreamAssertion {
  const xml = decodeSamlResponse(typeof samlResponse === "string" ? samlResponse : "");
  // the status is read before any signature: an error status has no assertion, and it only refuses
  const doc = parseXml(xml);
  const code = errorStatus(doc.documentElement!);
  if (code !== undefined) throw new UpstreamStatus(code);
  const verified = verifySamlSignature(doc, idp.certificates);
  const facts = readAssertion(verified, idp.issuer, { recipients: (v) => v === sp.acsUrl, audiences: new Set([sp.entityId]), recipientName: "this sign-in's ACS URL", inResponseTo: requestId }, now);
  const claims: Record<string, string> = {};
  for (const a of facts.attributes) if (a.name && a.values[0] !== undefined && !(a.name in claims)) claims[a.name] = a.values[0];
  claims.NameID = facts.subject;
  claims.sub = facts.subject;
  // AuthnStatement, from the signed assertion only
  const authn = child(verified.assertion, NS.saml, "AuthnStatement");
  const context = authn && child(authn, NS.saml, "AuthnContext");
  const classRef = context && child(context, NS.saml, "AuthnContextClassRef")?.textContent?.trim();
  const instant = authn?.getAttribute("AuthnInstant");
  const authnInstant = instant ? time(instant, "AuthnInstant") : undefined;
  return { facts, claims, mfa: !!classRef && MFA_CONTEXTS.has(classRef), authnInstant };
}

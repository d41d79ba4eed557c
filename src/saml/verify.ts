// Verifies a samlp:Response as a bearer-assertion consumer must (and as AWS sign-in does):
// - every signature present must verify against the *registered* certificates, and at least one
//   of Response/Assertion must be signed; data is read only from the canonical XML the signature
//   covered (re-parsed), never from the document as posted (XSW defence);
// - exactly one Assertion, Issuer as expected, one bearer SubjectConfirmation whose Recipient is an
//   accepted ACS URL and whose NotOnOrAfter is in the future, Conditions present and current, every
//   AudienceRestriction naming us (SAML Profiles §4.1.4.2–3; reference/security.md §1.8–1.9).
// Used by the local AWS sign-in, the round-trip tests, and available to the STS.
import type { SamlAttribute } from "./aws-profile.ts";
import { SamlError } from "./errors.ts";
import { BEARER } from "./response.ts";
import { verifyElementSignature } from "./signing.ts";
import { NS, attr, child, children, decodeBase64, parseXml, textOf } from "./xml.ts";

export interface VerifyResponseOptions {
  /** the IdP's certificates (PEM or base64 DER); KeyInfo in the message is never trusted */
  certificates: readonly string[];
  issuer: string;
  /** our entity ID, which must be in every AudienceRestriction */
  audience: string;
  /** ACS URLs that count as "us" in SubjectConfirmationData/@Recipient */
  recipients: readonly string[];
  now?: Date;
  skewSeconds?: number;
}

export interface VerifiedAssertion {
  responseId: string;
  assertionId: string;
  issuer: string;
  nameId: string;
  nameIdFormat?: string;
  recipient: string;
  inResponseTo?: string;
  notOnOrAfter: Date;
  authnInstant?: Date;
  sessionIndex?: string;
  sessionNotOnOrAfter?: Date;
  authnContextClassRef?: string;
  attributes: SamlAttribute[];
}

const fail = (message: string, reason = "invalid_response") => new SamlError("Requester", message, { reason, sub: "RequestDenied" });

/** `samlResponse` is the base64 form field exactly as posted. */
export function verifySamlResponse(samlResponse: unknown, o: VerifyResponseOptions): VerifiedAssertion {
  const xml = decodeBase64(samlResponse, "SAMLResponse").toString("utf8");
  const doc = parseXml(xml, "SAMLResponse");
  const root = doc.documentElement!;
  if (root.namespaceURI !== NS.samlp || root.localName !== "Response") throw fail("This is not a SAML Response.");
  const now = o.now ?? new Date();
  const skew = (o.skewSeconds ?? 60) * 1000;

  // Which XML do we trust? The signed Response's canonical form if the Response is signed.
  let responseEl: Element = root;
  let responseXml = xml;
  if (children(root, NS.ds, "Signature").length > 0) {
    responseXml = verifyElementSignature(xml, root, o.certificates, "Response signature");
    responseEl = parseXml(responseXml, "signed Response").documentElement!;
  }
  if (children(responseEl, NS.saml, "EncryptedAssertion").length > 0) throw fail("Encrypted assertions are not accepted here.", "unsupported");
  const status = child(responseEl, NS.samlp, "Status", "Response");
  const code = status && child(status, NS.samlp, "StatusCode", "Status");
  if (code?.getAttribute("Value") !== "urn:oasis:names:tc:SAML:2.0:status:Success") throw fail("The identity provider did not report success.", "status");
  const assertions = children(responseEl, NS.saml, "Assertion");
  if (assertions.length !== 1) throw fail("The Response must hold exactly one Assertion.");
  let assertion = assertions[0]!;
  if (children(assertion, NS.ds, "Signature").length > 0) {
    const signed = verifyElementSignature(responseXml, assertion, o.certificates, "Assertion signature");
    assertion = parseXml(signed, "signed Assertion").documentElement!;
  } else if (responseEl === root) {
    throw new SamlError("Requester", "Neither the Response nor the Assertion is signed.", { reason: "bad_signature", sub: "RequestDenied" });
  }
  return readAssertion(assertion, responseEl, o, now, skew);
}

function readAssertion(a: Element, response: Element, o: VerifyResponseOptions, now: Date, skew: number): VerifiedAssertion {
  const assertionId = attr(a, "ID");
  if (!assertionId) throw fail("The Assertion has no ID.");
  const issuerEl = child(a, NS.saml, "Issuer", "Assertion");
  const issuer = issuerEl ? textOf(issuerEl) : "";
  if (issuer !== o.issuer) throw fail("The Assertion's Issuer is not the expected identity provider.", "issuer");

  const subject = child(a, NS.saml, "Subject", "Assertion");
  const nameIdEl = subject && child(subject, NS.saml, "NameID", "Subject");
  if (!subject || !nameIdEl) throw fail("The Assertion has no Subject/NameID.");
  const nameId = textOf(nameIdEl);
  if (nameId === "") throw fail("The NameID is empty.");
  const confirmations = children(subject, NS.saml, "SubjectConfirmation");
  if (confirmations.length !== 1 || confirmations[0]!.getAttribute("Method") !== BEARER) throw fail("The Subject needs exactly one bearer SubjectConfirmation.");
  const scd = child(confirmations[0]!, NS.saml, "SubjectConfirmationData", "SubjectConfirmation");
  if (!scd) throw fail("The SubjectConfirmation has no SubjectConfirmationData.");
  const recipient = attr(scd, "Recipient") ?? "";
  if (!o.recipients.includes(recipient)) throw fail("The assertion is addressed to another Recipient.", "recipient");
  const notOnOrAfter = time(attr(scd, "NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter", true)!;
  if (notOnOrAfter.getTime() + skew <= now.getTime()) throw fail("The assertion has expired.", "expired");

  const conditions = child(a, NS.saml, "Conditions", "Assertion");
  if (!conditions) throw fail("The Assertion has no Conditions.");
  const nb = time(attr(conditions, "NotBefore"), "Conditions NotBefore", false);
  const na = time(attr(conditions, "NotOnOrAfter"), "Conditions NotOnOrAfter", false);
  if (nb && nb.getTime() - skew > now.getTime()) throw fail("The assertion is not valid yet.", "not_yet_valid");
  if (na && na.getTime() + skew <= now.getTime()) throw fail("The assertion has expired.", "expired");
  const restrictions = children(conditions, NS.saml, "AudienceRestriction");
  if (restrictions.length === 0) throw fail("The Assertion has no AudienceRestriction.", "audience");
  for (const r of restrictions) {
    if (!children(r, NS.saml, "Audience").some((el) => textOf(el) === o.audience)) throw fail("The assertion does not contain the required audience.", "audience");
  }

  const authn = children(a, NS.saml, "AuthnStatement")[0];
  const classRefEl = authn && child(authn, NS.saml, "AuthnContext", "AuthnStatement");
  const classRef = classRefEl && child(classRefEl, NS.saml, "AuthnContextClassRef", "AuthnContext");
  const sessionNotOnOrAfter = authn ? time(attr(authn, "SessionNotOnOrAfter"), "SessionNotOnOrAfter", false) : undefined;
  if (sessionNotOnOrAfter && sessionNotOnOrAfter.getTime() + skew <= now.getTime()) throw fail("The session has expired.", "expired");

  const attributes: SamlAttribute[] = [];
  for (const st of children(a, NS.saml, "AttributeStatement")) {
    for (const el of children(st, NS.saml, "Attribute")) {
      const name = attr(el, "Name");
      if (!name) throw fail("An Attribute has no Name.");
      attributes.push({ name, nameFormat: attr(el, "NameFormat"), values: children(el, NS.saml, "AttributeValue").map(textOf) });
    }
  }
  return {
    responseId: attr(response, "ID") ?? "",
    assertionId,
    issuer,
    nameId,
    nameIdFormat: attr(nameIdEl, "Format"),
    recipient,
    inResponseTo: attr(scd, "InResponseTo"),
    notOnOrAfter,
    authnInstant: authn ? time(attr(authn, "AuthnInstant"), "AuthnInstant", false) : undefined,
    sessionIndex: authn ? attr(authn, "SessionIndex") : undefined,
    sessionNotOnOrAfter,
    authnContextClassRef: classRef ? textOf(classRef) : undefined,
    attributes,
  };
}

/** xs:dateTime in UTC only ("Z"); anything unparseable fails closed. */
export function time(v: string | undefined, what: string, required: boolean): Date | undefined {
  if (v === undefined) {
    if (required) throw fail(`${what} is missing.`);
    return undefined;
  }
  const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(v) ? new Date(v.replace(/(\.\d{3})\d+Z$/, "$1Z")) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw fail(`${what} is not a UTC xs:dateTime.`);
  return d;
}

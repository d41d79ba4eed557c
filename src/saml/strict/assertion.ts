// Reads and checks a *signed* assertion the way AWS does (sts.md §3; security.md §1.7–1.10):
// Issuer = the provider's, exactly one bearer SubjectConfirmation with Recipient and NotOnOrAfter,
// Conditions required (every AudienceRestriction satisfied), time bounds with a fixed skew,
// NameID required. Everything is read from the signed element only.
// InResponseTo is checked only when the caller names the request it sent (the upstream SAML
// sign-in); AssumeRoleWithSAML is IdP-initiated and has no request state (AWS accepts it too).
// Replay is stopped by the caller's one-time assertion ID in both cases.
import type { SamlAttribute } from "../aws-profile.ts";
import { SamlRejected, rejectInvalid } from "./rejected.ts";
import type { VerifiedSaml } from "./signature.ts";
import { NS, child, children, text, type XElement } from "./xml.ts";

export const CLOCK_SKEW_MS = 60_000;
/** assertions valid for longer are refused: the replay cache must be able to outlive them */
const MAX_LIFETIME_MS = 24 * 3600_000;
const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

/** The top-level StatusCode of a Response whose Status is not Success ("missing" without one); undefined for Success or no Status. */
export function errorStatus(response: XElement): string | undefined {
  const status = child(response, NS.samlp, "Status");
  if (!status) return undefined;
  const code = child(status, NS.samlp, "StatusCode")?.getAttribute("Value");
  return code === SUCCESS ? undefined : (code ?? "missing");
}
const NAMEID_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:";

export interface AcceptedEndpoints {
  /** Recipient / Destination values accepted (AWS sign-in endpoints and the local /aws/saml) */
  recipients: (value: string) => boolean;
  /** Audience values accepted (AWS's SP entity ID) */
  audiences: ReadonlySet<string>;
  /** how messages name an accepted Recipient; default "an AWS sign-in endpoint" */
  recipientName?: string;
  /**
   * the ID of the AuthnRequest this response must answer: the SubjectConfirmationData must carry
   * it, and the Response's InResponseTo, when present, must equal it. Unset: not checked.
   */
  inResponseTo?: string;
}

export interface SamlFacts {
  assertionId: string;
  issuer: string;
  subject: string;
  /** the NameID Format (full URI) */
  subjectFormat: string;
  /** SubjectType as AWS reports it */
  subjectType: string;
  recipient: string;
  audiences: string[];
  notOnOrAfter: Date;
  sessionNotOnOrAfter?: Date;
  attributes: SamlAttribute[];
}

const invalid = (m: string, reason = "malformed") => rejectInvalid(reason, m);
const expired = (m: string) => new SamlRejected("expired", "expired", m);

export function readAssertion(v: VerifiedSaml, expectedIssuer: string, accepted: AcceptedEndpoints, now: Date): SamlFacts {
  const a = v.assertion;
  const t = now.getTime();
  // Response-level fields: checked when present (only a failure can result from unsigned ones).
  const r = v.signedResponse ?? v.response;
  const endpoint = accepted.recipientName ?? "an AWS sign-in endpoint";
  const destination = r.getAttribute("Destination");
  if (destination && !accepted.recipients(destination)) throw invalid(`Invalid SAML response: Destination is not ${endpoint}.`, "destination");
  if (errorStatus(r) !== undefined) throw invalid("Invalid SAML response: the IdP reported an error status.", "status");
  const responseIssuer = text(child(r, NS.saml, "Issuer"));
  if (responseIssuer !== undefined && responseIssuer.trim() !== expectedIssuer) throw invalid("Issuer not present in specified provider", "issuer");
  const responseTo = r.getAttribute("InResponseTo");
  if (accepted.inResponseTo !== undefined && responseTo !== null && responseTo !== accepted.inResponseTo) {
    throw invalid("Invalid SAML response: InResponseTo does not answer this sign-in's request.", "in_response_to");
  }

  const assertionId = a.getAttribute("ID") ?? "";
  const issuer = text(child(a, NS.saml, "Issuer"))?.trim();
  if (issuer !== expectedIssuer) throw invalid("Issuer not present in specified provider", "issuer");
  const issueInstant = time(a.getAttribute("IssueInstant"), "IssueInstant");
  if (issueInstant.getTime() > t + CLOCK_SKEW_MS) throw invalid("Invalid SAML response: IssueInstant is in the future.");

  const subjectEl = child(a, NS.saml, "Subject");
  const nameId = subjectEl && child(subjectEl, NS.saml, "NameID");
  const subject = text(nameId);
  if (!subjectEl || !nameId || !subject) throw new SamlRejected("denied", "no_subject", "Not authorized to perform sts:AssumeRoleWithSAML: the assertion has no Subject NameID.");
  const subjectFormat = nameId.getAttribute("Format") || "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

  const confirmations = children(subjectEl, NS.saml, "SubjectConfirmation");
  if (confirmations.length !== 1) throw invalid("Invalid SAML response: exactly one SubjectConfirmation is required.");
  const sc = confirmations[0]!;
  if (sc.getAttribute("Method") !== BEARER) throw invalid("Invalid SAML response: SubjectConfirmation Method must be bearer.");
  const scd = child(sc, NS.saml, "SubjectConfirmationData");
  if (!scd) throw invalid("Invalid SAML response: SubjectConfirmationData is required.");
  const recipient = scd.getAttribute("Recipient") ?? "";
  if (!accepted.recipients(recipient)) throw invalid(`Invalid SAML response: Recipient is not ${endpoint}.`, "recipient");
  if (accepted.inResponseTo !== undefined && scd.getAttribute("InResponseTo") !== accepted.inResponseTo) {
    throw invalid("Invalid SAML response: InResponseTo does not answer this sign-in's request.", "in_response_to");
  }
  const scNotOnOrAfter = time(scd.getAttribute("NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter");
  if (scd.hasAttribute("NotBefore") && time(scd.getAttribute("NotBefore"), "NotBefore").getTime() > t + CLOCK_SKEW_MS) {
    throw invalid("Invalid SAML response: the assertion is not yet valid.", "not_yet_valid");
  }
  if (t >= scNotOnOrAfter.getTime() + CLOCK_SKEW_MS) throw expired("The SAML assertion has expired.");

  const conditions = child(a, NS.saml, "Conditions");
  if (!conditions) throw invalid("Invalid SAML response: Conditions are required.");
  if (conditions.hasAttribute("NotBefore") && time(conditions.getAttribute("NotBefore"), "NotBefore").getTime() > t + CLOCK_SKEW_MS) {
    throw invalid("Invalid SAML response: the assertion is not yet valid.", "not_yet_valid");
  }
  if (!conditions.hasAttribute("NotOnOrAfter")) throw invalid("Invalid SAML response: Conditions NotOnOrAfter is required.");
  const condNotOnOrAfter = time(conditions.getAttribute("NotOnOrAfter"), "Conditions NotOnOrAfter");
  if (t >= condNotOnOrAfter.getTime() + CLOCK_SKEW_MS) throw expired("The SAML assertion has expired.");
  const restrictions = children(conditions, NS.saml, "AudienceRestriction");
  if (restrictions.length === 0) throw invalid("Response does not contain the required audience", "audience");
  const audiences: string[] = [];
  for (const ar of restrictions) {
    const values = children(ar, NS.saml, "Audience").map((e) => (text(e) ?? "").trim());
    if (!values.some((aud) => accepted.audiences.has(aud))) throw invalid("Response does not contain the required audience", "audience");
    audiences.push(...values);
  }
  const notOnOrAfter = new Date(Math.min(scNotOnOrAfter.getTime(), condNotOnOrAfter.getTime()));
  if (notOnOrAfter.getTime() - t > MAX_LIFETIME_MS) throw invalid("Invalid SAML response: the assertion is valid for too long.", "lifetime");

  let sessionNotOnOrAfter: Date | undefined;
  for (const authn of children(a, NS.saml, "AuthnStatement")) {
    if (authn.hasAttribute("SessionNotOnOrAfter")) {
      const s = time(authn.getAttribute("SessionNotOnOrAfter"), "SessionNotOnOrAfter");
      if (s.getTime() <= t) throw expired("The SAML session has expired (SessionNotOnOrAfter).");
      sessionNotOnOrAfter = s;
    }
  }

  const attributes: SamlAttribute[] = [];
  for (const st of children(a, NS.saml, "AttributeStatement")) {
    for (const at of children(st, NS.saml, "Attribute")) {
      attributes.push({
        name: at.getAttribute("Name") ?? "",
        nameFormat: at.getAttribute("NameFormat") ?? undefined,
        values: children(at, NS.saml, "AttributeValue").map((e) => text(e) ?? ""),
      });
    }
  }

  const subjectType = subjectFormat.startsWith(NAMEID_PREFIX) ? subjectFormat.slice(NAMEID_PREFIX.length) : subjectFormat;
  return { assertionId, issuer, subject, subjectFormat, subjectType, recipient, audiences, notOnOrAfter, sessionNotOnOrAfter, attributes };
}

const XS_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/** xs:dateTime in UTC ("Z" required by SAML core §1.3.3); anything else fails closed. */
export function time(value: string | null, what: string): Date {
  const m = value ? XS_DATETIME.exec(value) : null;
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60) return date;
  }
  throw invalid(`Invalid SAML response: ${what} is missing or not a UTC xs:dateTime.`);
}

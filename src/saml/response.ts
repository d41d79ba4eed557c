// Builds the samlp:Response for one SP: assertion with bearer subject confirmation, conditions,
// authn statement and the profile's attributes; then signs the assertion and/or the response and
// optionally encrypts the assertion, as the SP is configured. Every value that comes from a user
// or a request is escaped: markup in an attribute stays text (CVE-2026-46490 class).
import { randomBytes } from "node:crypto";
import type { SpEncryptionAlgorithm, SpSignMode } from "../directory/index.ts";
import type { SamlAttribute } from "./aws-profile.ts";
import { encryptAssertion } from "./encrypt.ts";
import { STATUS, type SubStatus, type TopStatus } from "./errors.ts";
import { signElement, type Signer } from "./signing.ts";
import { cAttr, cText, signCanonical } from "./canonical-sign.ts";
import { NS, esc } from "./xml.ts";

export const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
export const AUTHN_CONTEXT = {
  password: "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
  /** REFEDS MFA profile: the authentication used two independent factors */
  mfa: "https://refeds.org/profile/mfa",
} as const;

/** Assertions are short-lived bearer tokens: minutes, with a little room for clock differences. */
export const ASSERTION_LIFETIME_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 60;

export interface ResponseInput {
  issuer: string;
  /** the verified ACS URL: Destination and Recipient */
  acsUrl: string;
  /** the SP's entity ID: Audience */
  audience: string;
  inResponseTo?: string;
  nameId: string;
  nameIdFormat: string;
  attributes: readonly SamlAttribute[];
  authnInstant: Date;
  mfa: boolean;
  sessionIndex: string;
  sessionNotOnOrAfter?: Date;
  now: Date;
  signMode: SpSignMode;
  signer: Signer;
  encryption?: { certificate: string; algorithm: SpEncryptionAlgorithm };
}

export interface BuiltResponse {
  xml: string;
  responseId: string;
  assertionId: string;
}

export const newId = () => `_${randomBytes(20).toString("hex")}`;
export const samlTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export async function buildResponse(i: ResponseInput): Promise<BuiltResponse> {
  const responseId = newId();
  const assertionId = newId();
  const now = samlTime(i.now);
  const notBefore = samlTime(new Date(i.now.getTime() - CLOCK_SKEW_SECONDS * 1000));
  const notOnOrAfter = samlTime(new Date(i.now.getTime() + ASSERTION_LIFETIME_SECONDS * 1000));
  const inResponseTo = i.inResponseTo ? ` InResponseTo="${cAttr(i.inResponseTo)}"` : "";

  // Written in exc-c14n form (canonical-sign.ts): attributes in sorted order, the saml namespace
  // declared where it is first used, explicit end tags, cText/cAttr escaping. Every value from a
  // user or a request goes through cText/cAttr: markup in an attribute stays text.
  let assertion =
    `<saml:Assertion xmlns:saml="${NS.saml}" ID="${assertionId}" IssueInstant="${now}" Version="2.0">` +
    `<saml:Issuer>${cText(i.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${cAttr(i.nameIdFormat)}">${cText(i.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData${inResponseTo} NotOnOrAfter="${notOnOrAfter}" Recipient="${cAttr(i.acsUrl)}"></saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${cText(i.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${samlTime(i.authnInstant)}" SessionIndex="${cAttr(i.sessionIndex)}"${i.sessionNotOnOrAfter ? ` SessionNotOnOrAfter="${samlTime(i.sessionNotOnOrAfter)}"` : ""}>` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>${i.mfa ? AUTHN_CONTEXT.mfa : AUTHN_CONTEXT.password}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    attributeStatement(i.attributes) +
    `</saml:Assertion>`;

  if (i.signMode !== "response") assertion = signCanonical(assertion, assertionId, i.signer);
  if (i.encryption) assertion = await encryptAssertion(assertion, i.encryption.certificate, i.encryption.algorithm);

  // The Response in exc-c14n form too: samlp declared on the root, saml where first used (Issuer).
  let xml =
    `<samlp:Response xmlns:samlp="${NS.samlp}" Destination="${cAttr(i.acsUrl)}" ID="${responseId}"${inResponseTo} IssueInstant="${now}" Version="2.0">` +
    `<saml:Issuer xmlns:saml="${NS.saml}">${cText(i.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${STATUS.Success}"></samlp:StatusCode></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  if (i.signMode !== "assertion") {
    // an EncryptedAssertion comes from xml-encryption's templates, not in canonical form
    xml = i.encryption ? signElement(xml, responseId, i.signer) : signCanonical(xml, responseId, i.signer);
  }
  return { xml, responseId, assertionId };
}

function attributeStatement(attributes: readonly SamlAttribute[]): string {
  if (attributes.length === 0) return "";
  const attrs = attributes.map((a) => {
    const format = a.nameFormat ? ` NameFormat="${cAttr(a.nameFormat)}"` : "";
    const values = a.values.map((v) => `<saml:AttributeValue>${cText(v)}</saml:AttributeValue>`).join("");
    return `<saml:Attribute Name="${cAttr(a.name)}"${format}>${values}</saml:Attribute>`;
  });
  return `<saml:AttributeStatement>${attrs.join("")}</saml:AttributeStatement>`;
}

/** A signed error response (no assertion) for an SP whose ACS URL we verified. */
export function buildStatusResponse(i: { issuer: string; acsUrl: string; inResponseTo?: string; top: TopStatus; sub?: SubStatus; message: string; now: Date; signer: Signer }): string {
  const id = newId();
  const inResponseTo = i.inResponseTo ? ` InResponseTo="${esc(i.inResponseTo)}"` : "";
  const sub = i.sub ? `<samlp:StatusCode Value="${STATUS[i.sub]}"/>` : "";
  const xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${samlTime(i.now)}" Destination="${esc(i.acsUrl)}"${inResponseTo}>` +
    `<saml:Issuer>${esc(i.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${STATUS[i.top]}">${sub}</samlp:StatusCode><samlp:StatusMessage>${esc(i.message)}</samlp:StatusMessage></samlp:Status>` +
    `</samlp:Response>`;
  return signElement(xml, id, i.signer);
}

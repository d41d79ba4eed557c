// Issues a signed response for the signed-in user to one SP (SP- or IdP-initiated): the claims
// engine decides roles and tags, the SP's profile encodes them, the SP's settings decide signing
// and encryption. Refusals a person should read (no access, no AWS roles) are pages, never an
// empty assertion; each issue and each refusal is audited.
import { createHash, randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import type { AuditLog } from "../audit/index.ts";
import { buildFederatedIdentity, sessionDurationFor, type FederatedIdentity } from "../claims/index.ts";
import { effectiveGroupsOf, type DirectoryService, type ServiceProviderRecord } from "../directory/index.ts";
import { DomainError } from "../errors.ts";
import type { Render } from "../http/index.ts";
import type { KeyService } from "../keys/index.ts";
import type { SessionStore } from "../auth/session/session-store.ts";
import { encodeAttributes } from "./profiles.ts";
import { renderErrorPage, renderPostForm } from "./pages.ts";
import { buildResponse, buildStatusResponse } from "./response.ts";
import type { SamlError } from "./errors.ts";
import { countIssued, countRefused, type AssertionMetrics } from "./assertion-metrics.ts";

export interface IssueDeps {
  baseUrl: string;
  directory: DirectoryService;
  keys: KeyService;
  audit: AuditLog;
  render: Render;
  sessions: SessionStore;
  metrics: AssertionMetrics;
}

export interface IssueTarget {
  sp: ServiceProviderRecord;
  acsUrl: string;
  inResponseTo?: string;
  relayState?: string;
  initiated: "sp" | "idp";
  /**
   * IdP-initiated, AWS profile only: the one role to send (a launch link per role). AWS signs a
   * user straight in when the assertion holds a single role, with that role's own session length.
   */
  roleArn?: string;
}

/** Per-session record of the SPs a session signed in to (for Single Logout). */
export interface SamlParticipation {
  nameId: string;
  nameIdFormat: string;
  sessionIndex: string;
}
/** one top-level session-data key per SP: updateData merges top-level keys atomically, so two
 *  concurrent sign-ins to different SPs cannot overwrite each other's record */
export const PARTICIPATION_PREFIX = "saml:";

export function participationsOf(data: Record<string, unknown>): Record<string, SamlParticipation> {
  const out: Record<string, SamlParticipation> = {};
  for (const [k, v] of Object.entries(data)) if (k.startsWith(PARTICIPATION_PREFIX)) out[k.slice(PARTICIPATION_PREFIX.length)] = v as SamlParticipation;
  return out;
}

export async function issueResponse(d: IssueDeps, req: Request, res: Response, t: IssueTarget): Promise<void> {
  const user = res.locals.user!;
  const session = res.locals.session!;
  const audit = (outcome: "success" | "denied", details: Record<string, unknown>) =>
    d.audit.record({ actor: user.username, action: "saml.sso", target: t.sp.entityId, outcome, details: { initiated: t.initiated, acsUrl: t.acsUrl, requestId: t.inResponseTo, ...details } });
  /** a refusal shown to the person (no assertion is sent), counted under the SAML status it stands for */
  const deny = (httpStatus: number, details: Record<string, unknown>) => {
    countRefused(d.metrics, t.sp, httpStatus >= 500 ? "responder" : "request_denied");
    return audit("denied", details);
  };

  const [dirUser, snapshot] = await Promise.all([d.directory.getUser(user.id), d.directory.snapshot()]);
  let identity: FederatedIdentity;
  try {
    identity = buildFederatedIdentity({
      user: dirUser,
      effectiveGroups: effectiveGroupsOf(snapshot, dirUser.groupIds),
      snapshot,
      target: { kind: "saml", id: t.sp.entityId },
      issuer: d.baseUrl,
      authTime: session.authTime ?? new Date(),
      mfa: session.amr.includes("otp") || session.amr.includes("mfa"),
      amr: session.amr,
    }).identity;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await deny(err.status, { reason: err.kind, message: err.message });
    return renderErrorPage(d.render, req, res, err.status, "Not allowed", `You cannot sign in to ${t.sp.name}: ${err.message}`);
  }
  if (t.sp.profile === "aws" && identity.roles.length === 0) {
    await deny(403, { reason: "no_roles" });
    return renderErrorPage(d.render, req, res, 403, "No AWS roles", `Your groups are not mapped to any AWS role, so there is nothing to sign in to at ${t.sp.name}. Ask an administrator to map one of your groups to a role.`);
  }
  if (t.roleArn !== undefined) {
    if (t.sp.profile !== "aws") {
      await deny(400, { reason: "role_not_aws", role: t.roleArn });
      return renderErrorPage(d.render, req, res, 400, "Not an AWS application", `${t.sp.name} does not take an AWS role; open it without one.`);
    }
    const role = identity.roles.find((r) => r.roleArn === t.roleArn);
    if (!role) {
      await deny(403, { reason: "role_not_granted", role: t.roleArn });
      return renderErrorPage(d.render, req, res, 403, "Role not available", `You cannot sign in to ${t.sp.name} as ${t.roleArn}: none of your groups is mapped to that role.`);
    }
    identity = { ...identity, roles: [role], sessionDuration: sessionDurationFor([role]) };
  }

  const nameId = nameIdFor(t.sp, identity, user.username);
  if (!nameId) {
    await deny(403, { reason: "no_email" });
    return renderErrorPage(d.render, req, res, 403, "Missing e-mail address", `${t.sp.name} identifies people by e-mail address, and your account has none.`);
  }
  const encryptTo = t.sp.certificates[0];
  if (t.sp.encryptAssertions && !encryptTo) {
    // never fall back to clear text for an SP that asked for encryption
    await deny(500, { reason: "no_encryption_certificate" });
    return renderErrorPage(d.render, req, res, 500, "Application misconfigured", `${t.sp.name} requires encrypted assertions but has no certificate registered. Ask an administrator to import its metadata.`);
  }
  const sessionIndex = `_${createHash("sha256").update(`saml session index\n${session.id}`).digest("hex").slice(0, 40)}`;
  const key = d.keys.activeKey();
  const built = await buildResponse({
    issuer: d.baseUrl,
    acsUrl: t.acsUrl,
    audience: t.sp.entityId,
    inResponseTo: t.inResponseTo,
    nameId,
    nameIdFormat: t.sp.nameIdFormat,
    attributes: encodeAttributes(t.sp.profile, identity),
    authnInstant: identity.authTime,
    mfa: identity.mfa,
    sessionIndex,
    sessionNotOnOrAfter: session.expiresAt,
    now: new Date(),
    signMode: t.sp.signMode,
    signer: key,
    encryption: t.sp.encryptAssertions && encryptTo ? { certificate: encryptTo, algorithm: t.sp.encryptionAlgorithm } : undefined,
  });

  // remember the SP for Single Logout; written once per SP per session, not per assertion
  const mine = participationsOf(session.data)[t.sp.entityId];
  if (!mine || mine.nameId !== nameId) {
    const record: SamlParticipation = { nameId, nameIdFormat: t.sp.nameIdFormat, sessionIndex };
    await d.sessions.updateData(session.id, { [`${PARTICIPATION_PREFIX}${t.sp.entityId}`]: record });
  }
  await audit("success", { responseId: built.responseId, assertionId: built.assertionId, roles: identity.roles.length, role: t.roleArn, encrypted: t.sp.encryptAssertions });
  countIssued(d.metrics, t.sp);
  renderPostForm(d.render, res, { action: t.acsUrl, param: "SAMLResponse", message: built.xml, relayState: t.relayState });
}

function nameIdFor(sp: ServiceProviderRecord, identity: FederatedIdentity, username: string): string | undefined {
  switch (sp.nameIdFormat) {
    case "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress":
      return identity.email;
    case "urn:oasis:names:tc:SAML:2.0:nameid-format:transient":
      return `_${randomBytes(16).toString("hex")}`;
    case "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified":
      return username;
    default:
      return identity.subject;
  }
}

/** A signed SAML error status to an ACS we verified for this SP. */
export function sendStatus(d: IssueDeps, res: Response, t: { acsUrl: string; inResponseTo?: string; relayState?: string }, err: SamlError): void {
  const xml = buildStatusResponse({ issuer: d.baseUrl, acsUrl: t.acsUrl, inResponseTo: t.inResponseTo, top: err.top, sub: err.sub, message: err.message, now: new Date(), signer: d.keys.activeKey() });
  renderPostForm(d.render, res, { action: t.acsUrl, param: "SAMLResponse", message: xml, relayState: t.relayState, title: "Returning to the application" });
}

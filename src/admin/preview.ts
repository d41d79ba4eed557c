// Effective-access preview: what a user would get from one app, computed by the same code the
// protocols run — the FederatedIdentity from claims/, its AWS SAML attributes (saml/aws-profile),
// its ID-token claims (oidc/aws-claims) — and, for one role, the trust-policy decision the STS
// would make (sts/iam evaluateTrust) with the request context AssumeRoleWithSAML or
// AssumeRoleWithWebIdentity builds from that assertion or token (reference/sts.md §3c).
import { createHash } from "node:crypto";
import { buildFederatedIdentity, oidcProviderName, type ClaimsTarget, type DroppedTag, type FederatedIdentity } from "../claims/index.ts";
import { parseSamlProviderArn, type DirectorySnapshot, type DirectoryUser, type GroupRecord } from "../directory/index.ts";
import { DomainError, Invalid, NotFound } from "../errors.ts";
import { encodeAwsClaims, type AwsWebIdentityClaims } from "../oidc/aws-claims.ts";
import { encodeAwsAttributes, type SamlAttribute } from "../saml/aws-profile.ts";
import { evaluateTrust, MalformedPolicyDocument, parsePolicy, type RequestContext, type TrustEvaluation } from "../sts/iam/index.ts";

export interface PreviewRequest {
  user: DirectoryUser;
  effectiveGroups: readonly GroupRecord[];
  snapshot: DirectorySnapshot;
  target: ClaimsTarget;
  /** the SAML IdP entity ID / OIDC issuer (the base URL) */
  issuer: string;
  /** evaluate this role's trust policy (one of identity.roles) */
  roleArn?: string;
  /** pretend the user signed in with a second factor */
  mfa?: boolean;
  now?: Date;
}

export interface TrustPreview {
  roleArn: string;
  action: "sts:AssumeRoleWithSAML" | "sts:AssumeRoleWithWebIdentity";
  principal: string;
  context: RequestContext;
  decision: TrustEvaluation["decision"];
  /** the statement(s) that decided: the deny that won, or the allows of every required action */
  decidedBy: string[];
  explanation: string[];
  /** why it could not be evaluated (no trust policy, malformed policy) */
  problem?: string;
}

export interface Preview {
  target: ClaimsTarget & { name: string };
  /** the user may not use the app, or the identity could not be built */
  refused?: string;
  identity?: FederatedIdentity;
  dropped: DroppedTag[];
  samlAttributes?: SamlAttribute[];
  idTokenClaims?: AwsWebIdentityClaims;
  trust?: TrustPreview;
}

export function computePreview(req: PreviewRequest): Preview {
  const app = req.target.kind === "saml" ? req.snapshot.spByEntityId.get(req.target.id) : req.snapshot.clientByClientId.get(req.target.id);
  if (!app) throw new NotFound(req.target.kind === "saml" ? "Unknown service provider." : "Unknown client.");
  const target = { ...req.target, name: app.name };
  const now = req.now ?? new Date();
  let built;
  try {
    built = buildFederatedIdentity({
      user: req.user, effectiveGroups: req.effectiveGroups, snapshot: req.snapshot, target: req.target, issuer: req.issuer,
      authTime: now, mfa: req.mfa ?? false, amr: req.mfa ? ["pwd", "otp"] : ["pwd"],
    });
  } catch (err) {
    if (err instanceof DomainError && (err.kind === "denied" || err.kind === "invalid")) return { target, refused: err.message, dropped: [] };
    throw err;
  }
  const { identity, dropped } = built;
  const out: Preview = { target, identity, dropped };
  if (req.target.kind === "saml") out.samlAttributes = identity.roles.length > 0 ? encodeAwsAttributes(identity) : [];
  else out.idTokenClaims = encodeAwsClaims(identity);
  if (req.roleArn) out.trust = trustPreview(req, identity, req.roleArn);
  return out;
}

function trustPreview(req: PreviewRequest, identity: FederatedIdentity, roleArn: string): TrustPreview {
  const granted = identity.roles.find((r) => r.roleArn === roleArn);
  if (!granted) throw new Invalid("This user is not granted that role through this app.", { role: "Choose one of the user's roles." });
  const role = req.snapshot.roleByArn.get(roleArn)!;
  const saml = req.target.kind === "saml";
  const action = saml ? "sts:AssumeRoleWithSAML" : "sts:AssumeRoleWithWebIdentity";
  const context = saml ? samlContext(req, identity, granted.providerArn) : webIdentityContext(req, identity);
  const base = { roleArn, action, principal: granted.providerArn, context } as const;
  if (!role.trustPolicy) return { ...base, decision: "ImplicitDeny", decidedBy: [], explanation: [], problem: "The role has no trust policy: the STS refuses every federation into it." };
  let policy;
  try {
    policy = parsePolicy(role.trustPolicy, { kind: "trust" });
  } catch (err) {
    if (err instanceof MalformedPolicyDocument) return { ...base, decision: "ImplicitDeny", decidedBy: [], explanation: [], problem: `Malformed trust policy: ${err.message}` };
    throw err;
  }
  const tagging = Object.keys(identity.principalTags).length > 0;
  const evaluation = evaluateTrust({ policy, label: "trust policy" }, {
    action, principal: { type: "Federated", id: granted.providerArn }, context, tagging, sourceIdentity: identity.sourceIdentity !== undefined, resource: roleArn,
  });
  const deciding = evaluation.decision === "ExplicitDeny" ? evaluation.matched.filter((m) => m.effect === "Deny") : evaluation.matched.filter((m) => m.effect === "Allow");
  const decidedBy = [...new Set(deciding.map((m) => `${m.policyLabel} statement ${m.index}${m.sid ? ` (Sid ${m.sid})` : ""}: ${m.effect}`))];
  return { ...base, decision: evaluation.decision, decidedBy, explanation: evaluation.explanation };
}

/** Tag keys common to both exchanges (aws:RequestTag/…, aws:TagKeys, sts:TransitiveTagKeys, sts:SourceIdentity). */
function tagContext(identity: FederatedIdentity): RequestContext {
  const ctx: RequestContext = {};
  const keys = Object.keys(identity.principalTags);
  for (const k of keys) ctx[`aws:RequestTag/${k}`] = identity.principalTags[k];
  if (keys.length > 0) ctx["aws:TagKeys"] = keys;
  if (identity.transitiveTagKeys.length > 0) ctx["sts:TransitiveTagKeys"] = identity.transitiveTagKeys;
  if (identity.sourceIdentity) ctx["sts:SourceIdentity"] = identity.sourceIdentity;
  ctx["sts:RoleSessionName"] = identity.roleSessionName;
  return ctx;
}

/** saml:aud is the Recipient (the SP's ACS), not the Audience; saml:namequalifier per id_roles_providers_saml. */
function samlContext(req: PreviewRequest, identity: FederatedIdentity, providerArn: string): RequestContext {
  const sp = req.snapshot.spByEntityId.get(req.target.id)!;
  const provider = parseSamlProviderArn(providerArn);
  const doc = provider ? `${provider.accountId}/${provider.name}` : undefined;
  const ctx: RequestContext = {
    "saml:aud": sp.acsUrls[0],
    "saml:iss": identity.issuer,
    "saml:sub": identity.subject,
    "saml:sub_type": "persistent",
    ...(doc ? { "saml:doc": doc, "saml:namequalifier": createHash("sha1").update(`${identity.issuer}${doc}`).digest("base64") } : {}),
    ...tagContext(identity),
  };
  if (identity.email) ctx["saml:mail"] = [identity.email];
  return ctx;
}

/** <provider host/path>:aud, :sub, :amr, as AssumeRoleWithWebIdentity exposes them. */
function webIdentityContext(req: PreviewRequest, identity: FederatedIdentity): RequestContext {
  const p = oidcProviderName(req.issuer);
  return {
    [`${p}:aud`]: req.target.id,
    [`${p}:azp`]: req.target.id,
    [`${p}:sub`]: identity.subject,
    [`${p}:amr`]: identity.mfa ? ["pwd", "otp"] : ["pwd"],
    ...tagContext(identity),
  };
}

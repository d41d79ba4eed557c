// AssumeRoleWithSAML (sts.md §3): unsigned; the signed SAML response is the credential.
// Verification (signature over exactly what is read, issuer, recipient, audience, time) lives in
// providers/saml; here: provider and role pair, AWS attributes, trust-policy keys, NameQualifier,
// one-time use of the assertion ID (claimed in the same statement that stores the session).
import { createHash } from "node:crypto";
import { decodeAwsAttributes } from "../../saml/aws-profile.ts";
import { Invalid } from "../../errors.ts";
import { ReplayedAssertion } from "../credentials/index.ts";
import { parseRoleArn, parseSamlProviderArn } from "../iam/index.ts";
import { defineAction, stsActionParams, StsErrors } from "../protocol/index.ts";
import { CLOCK_SKEW_MS, decodeSamlResponse, readAssertion, verifySamlSignature } from "../providers/index.ts";
import { assumeRole, credentialsXml } from "./assume.ts";
import type { StsDeps } from "./deps.ts";

export interface SamlRequest {
  RoleArn: string;
  PrincipalArn: string;
  SAMLAssertion: string;
  Policy?: string;
  PolicyArns?: { arn?: string }[];
  DurationSeconds?: number;
}

/** Base64(SHA1(issuer + accountId + "/" + providerName)) — sts.md §3, with its test vector. */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash("sha1").update(`${issuer}${accountId}/${providerName}`, "utf8").digest("base64");
}

/** Attribute names that become saml:<key> condition keys (IAM condition-keys-saml). */
const SAML_KEYS: Record<string, string> = {
  "urn:oid:2.5.4.3": "cn",
  "urn:oid:0.9.2342.19200300.100.1.3": "mail",
  "urn:oid:0.9.2342.19200300.100.1.1": "uid",
  "urn:oid:2.5.4.42": "givenName",
  "urn:oid:2.5.4.4": "surname",
  "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": "edupersonaffiliation",
  "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": "edupersonprincipalname",
};

export async function assumeRoleWithSaml(deps: StsDeps, p: SamlRequest, ctx: { sourceIp?: string; audit: Record<string, unknown> }) {
  Object.assign(ctx.audit, { roleArn: p.RoleArn, principalArn: p.PrincipalArn, durationSeconds: p.DurationSeconds });
  const providerArn = parseSamlProviderArn(p.PrincipalArn);
  const provider = await deps.providers.byArn(p.PrincipalArn);
  if (!provider || provider.kind !== "saml") throw StsErrors.invalidIdentityToken("Specified provider doesn't exist");
  const { account } = parseRoleArn(p.RoleArn);
  if (provider.accountId !== account) throw StsErrors.invalidIdentityToken("Specified provider doesn't exist");

  const now = deps.now();
  const xml = decodeSamlResponse(p.SAMLAssertion);
  const verified = verifySamlSignature(xml, deps.providers.samlCertificates(provider));
  const facts = readAssertion(verified, provider.issuer, deps.saml, now);
  let claims;
  try {
    claims = decodeAwsAttributes(facts.attributes);
  } catch (err) {
    if (err instanceof Invalid) throw StsErrors.invalidIdentityToken(err.message);
    throw err;
  }
  Object.assign(ctx.audit, { subject: facts.subject, roleSessionName: claims.roleSessionName, sourceIdentity: claims.sourceIdentity, principalTags: claims.principalTags });
  if (!claims.roles.some((r) => r.roleArn === p.RoleArn && r.providerArn === p.PrincipalArn)) {
    throw StsErrors.accessDenied(`Not authorized to perform sts:AssumeRoleWithSAML: the assertion does not offer ${p.RoleArn} through ${p.PrincipalArn}`);
  }

  const qualifier = nameQualifier(facts.issuer, account, providerArn.name);
  const context: Record<string, string | string[] | undefined> = {
    "saml:aud": facts.recipient,
    "saml:iss": facts.issuer,
    "saml:sub": facts.subject,
    "saml:sub_type": facts.subjectType,
    "saml:namequalifier": qualifier,
    "saml:doc": `${account}/${providerArn.name}`,
    "aws:FederatedProvider": provider.arn,
  };
  for (const a of facts.attributes) {
    const key = SAML_KEYS[a.name] ?? (/^[A-Za-z][\w.-]{0,63}$/.test(a.name) ? a.name : undefined);
    if (key) context[`saml:${key}`] = a.values;
  }
  let cap = claims.sessionDuration;
  if (facts.sessionNotOnOrAfter) {
    const left = Math.floor((facts.sessionNotOnOrAfter.getTime() - now.getTime()) / 1000);
    cap = Math.min(cap ?? left, left);
  }
  const replayKey = deps.saml.replayProtection
    ? {
        id: createHash("sha256").update(`${facts.issuer}\n${facts.assertionId}`).digest("hex"),
        expiresAt: new Date(facts.notOnOrAfter.getTime() + CLOCK_SKEW_MS),
      }
    : undefined;

  let r;
  try {
    r = await assumeRole(
      deps,
      {
        action: "sts:AssumeRoleWithSAML",
        roleArn: p.RoleArn,
        principal: { type: "Federated", id: provider.arn },
        callerName: provider.arn,
        context,
        sessionName: claims.roleSessionName,
        sourceIdentity: claims.sourceIdentity,
        tags: claims.principalTags,
        transitiveTagKeys: claims.transitiveTagKeys,
        durationSeconds: p.DurationSeconds,
        durationCap: cap,
        chained: false,
        mfa: false,
        policy: p.Policy,
        policyArns: p.PolicyArns,
        sourceIp: ctx.sourceIp,
        replayKey,
      },
      ctx.audit,
    );
  } catch (err) {
    if (err instanceof ReplayedAssertion) throw StsErrors.invalidIdentityToken("The SAML assertion has already been used.");
    throw err;
  }
  return {
    Credentials: credentialsXml(r.credentials),
    AssumedRoleUser: r.assumedRoleUser,
    PackedPolicySize: r.packedPolicySize,
    Subject: facts.subject,
    SubjectType: facts.subjectType,
    Issuer: facts.issuer,
    Audience: facts.recipient,
    NameQualifier: qualifier,
    SourceIdentity: r.sourceIdentity,
  };
}

export const assumeRoleWithSamlAction = (deps: StsDeps) =>
  defineAction({
    name: "AssumeRoleWithSAML",
    auth: "none",
    params: stsActionParams.AssumeRoleWithSAML,
    handler: (p, ctx) => assumeRoleWithSaml(deps, p, ctx),
  });

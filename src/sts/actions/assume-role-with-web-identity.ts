// AssumeRoleWithWebIdentity (sts.md §3b): unsigned; the ID token is the credential. Tags and the
// source identity come from the AWS claims; trust-policy keys are <provider-host/path>:aud|sub|azp|amr|oaud.
import { decodeAwsClaims } from "../../oidc/aws-claims.ts";
import { Invalid } from "../../errors.ts";
import { parseOidcProviderArn, parseRoleArn } from "../iam/index.ts";
import { defineAction, stsActionParams, StsErrors } from "../protocol/index.ts";
import { verifyWebIdentityToken } from "../providers/index.ts";
import { assumeRole, credentialsXml } from "./assume.ts";
import type { StsDeps } from "./deps.ts";

export interface WebIdentityRequest {
  RoleArn: string;
  RoleSessionName: string;
  WebIdentityToken: string;
  ProviderId?: string;
  Policy?: string;
  PolicyArns?: { arn?: string }[];
  DurationSeconds?: number;
}

export async function assumeRoleWithWebIdentity(deps: StsDeps, p: WebIdentityRequest, ctx: { sourceIp?: string; audit: Record<string, unknown> }) {
  Object.assign(ctx.audit, { roleArn: p.RoleArn, roleSessionName: p.RoleSessionName, durationSeconds: p.DurationSeconds });
  if (p.ProviderId !== undefined) throw StsErrors.invalidParameterValue("ProviderId is only for OAuth 2.0 providers (www.amazon.com, graph.facebook.com), which this STS does not trust.");
  const { account } = parseRoleArn(p.RoleArn);
  const { payload, provider, audience } = await verifyWebIdentityToken(p.WebIdentityToken, deps.providers, account, deps.now());
  let claims;
  try {
    claims = decodeAwsClaims(payload);
  } catch (err) {
    if (err instanceof Invalid) throw StsErrors.invalidIdentityToken(err.message);
    throw err;
  }
  // The built-in IdP states which roles it granted (the `roles` claim, with the `aws` scope): a
  // token that does not name this role — or names none, e.g. one issued without the `aws` scope —
  // is refused, as AWS refuses a SAML assertion whose Role attribute lacks the role. Without this,
  // any account of the IdP could take any role that trusts it, whatever the group → role mapping
  // says. External IdPs' role claims mean nothing to AWS, so only their trust policies decide.
  if (provider.builtIn && !(Array.isArray(payload.roles) && claims.roles.includes(p.RoleArn))) {
    throw StsErrors.idpRejectedClaim(
      Array.isArray(payload.roles)
        ? `The identity provider did not grant ${p.RoleArn} to this subject.`
        : "The token carries no roles claim; request it with the aws scope.",
    );
  }
  const key = parseOidcProviderArn(provider.arn).url;
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud!];
  Object.assign(ctx.audit, { identityProvider: provider.arn, subject: claims.subject, sourceIdentity: claims.sourceIdentity, principalTags: claims.principalTags });
  const amr = Array.isArray(payload.amr) ? payload.amr.filter((x): x is string => typeof x === "string") : undefined;
  const r = await assumeRole(
    deps,
    {
      action: "sts:AssumeRoleWithWebIdentity",
      roleArn: p.RoleArn,
      principal: { type: "Federated", id: provider.arn },
      callerName: provider.arn,
      context: {
        [`${key}:aud`]: audience,
        [`${key}:oaud`]: auds.filter((a): a is string => typeof a === "string"),
        [`${key}:sub`]: claims.subject,
        [`${key}:azp`]: typeof payload.azp === "string" ? payload.azp : undefined,
        [`${key}:amr`]: amr,
        "aws:FederatedProvider": provider.arn,
      },
      sessionName: p.RoleSessionName,
      sourceIdentity: claims.sourceIdentity,
      tags: claims.principalTags,
      transitiveTagKeys: claims.transitiveTagKeys,
      durationSeconds: p.DurationSeconds,
      chained: false,
      mfa: claims.mfa,
      policy: p.Policy,
      policyArns: p.PolicyArns,
      sourceIp: ctx.sourceIp,
    },
    ctx.audit,
  );
  return {
    Credentials: credentialsXml(r.credentials),
    SubjectFromWebIdentityToken: claims.subject,
    AssumedRoleUser: r.assumedRoleUser,
    PackedPolicySize: r.packedPolicySize,
    Provider: provider.issuer,
    Audience: audience,
    SourceIdentity: r.sourceIdentity,
  };
}

export const assumeRoleWithWebIdentityAction = (deps: StsDeps) =>
  defineAction({
    name: "AssumeRoleWithWebIdentity",
    auth: "none",
    params: stsActionParams.AssumeRoleWithWebIdentity,
    handler: (p, ctx) => assumeRoleWithWebIdentity(deps, p, ctx),
  });

// AssumeRole (SigV4): IAM users, role sessions (role chaining: 1 h cap, transitive tags carried and
// not re-passable, source identity immutable) and GetSessionToken sessions may call it; federated
// users may not. ExternalId, MFA and the caller's tags feed the trust policy's condition keys.
import { defineAction, stsActionParams, StsErrors } from "../protocol/index.ts";
import { assumeRole, credentialsXml } from "./assume.ts";
import { callerContext, checkNotRevoked, principalOf, type Caller } from "./caller.ts";
import type { StsDeps } from "./deps.ts";
import { checkMfa } from "./mfa.ts";
import { checkSessionTags } from "../protocol/index.ts";

export const assumeRoleAction = (deps: StsDeps) =>
  defineAction<typeof stsActionParams.AssumeRole, "sigv4", Caller>({
    name: "AssumeRole",
    auth: "sigv4",
    params: stsActionParams.AssumeRole,
    check: (p) => checkSessionTags(p.Tags, p.TransitiveTagKeys),
    handler: async (p, ctx) => {
      const caller = principalOf(ctx.caller, ctx.audit);
      Object.assign(ctx.audit, {
        roleArn: p.RoleArn,
        roleSessionName: p.RoleSessionName,
        durationSeconds: p.DurationSeconds,
        sourceIdentity: p.SourceIdentity,
        tags: p.Tags,
        externalId: p.ExternalId,
      });
      checkNotRevoked(ctx.caller, "AssumeRole", deps.disabledRegions);
      if (caller.kind === "federated") {
        throw StsErrors.accessDenied(`User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${p.RoleArn}`);
      }
      if (p.SourceIdentity !== undefined && /^aws:/i.test(p.SourceIdentity)) {
        throw StsErrors.validationError("SourceIdentity must not begin with 'aws:'.");
      }
      const mfa = (await checkMfa(deps, caller, p.SerialNumber, p.TokenCode)) || caller.mfa;

      // transitive tags of the calling session ride along and cannot be overridden
      const tags: Record<string, string> = {};
      const inheritedLower = new Set<string>();
      for (const key of caller.transitiveTagKeys) {
        if (caller.tags[key] === undefined) continue;
        tags[key] = caller.tags[key]!;
        inheritedLower.add(key.toLowerCase());
      }
      for (const t of p.Tags ?? []) {
        if (inheritedLower.has(t.Key.toLowerCase())) {
          throw StsErrors.invalidParameterValue(`Session tag ${t.Key} is a transitive tag of the calling session and cannot be set again.`);
        }
        tags[t.Key] = t.Value;
      }
      if (Object.keys(tags).length > 50) throw StsErrors.validationError("A session can have at most 50 session tags.");
      const transitive = [...new Set([...caller.transitiveTagKeys.filter((k) => k in tags), ...(p.TransitiveTagKeys ?? []).map((k) => canonicalKey(tags, k))])];

      let sourceIdentity = p.SourceIdentity;
      if (caller.sourceIdentity !== undefined) {
        if (sourceIdentity !== undefined && sourceIdentity !== caller.sourceIdentity) {
          throw StsErrors.accessDenied(`User: ${caller.arn} is not authorized to perform: sts:SetSourceIdentity: the source identity of a session cannot be changed.`);
        }
        sourceIdentity = caller.sourceIdentity;
      }

      const r = await assumeRole(
        deps,
        {
          action: "sts:AssumeRole",
          roleArn: p.RoleArn,
          principal: { type: "AWS", id: caller.arn },
          callerName: caller.arn,
          context: { ...callerContext(ctx.caller), "sts:ExternalId": p.ExternalId, "aws:MultiFactorAuthPresent": mfa },
          sessionName: p.RoleSessionName,
          sourceIdentity,
          tags,
          transitiveTagKeys: transitive,
          durationSeconds: p.DurationSeconds,
          chained: caller.kind === "role",
          mfa,
          policy: p.Policy,
          policyArns: p.PolicyArns,
          sourceIp: ctx.sourceIp,
        },
        ctx.audit,
      );
      return {
        Credentials: credentialsXml(r.credentials),
        AssumedRoleUser: r.assumedRoleUser,
        PackedPolicySize: r.packedPolicySize,
        SourceIdentity: r.sourceIdentity,
      };
    },
  });

function canonicalKey(tags: Record<string, string>, key: string): string {
  return Object.keys(tags).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
}

// GetFederationToken (SigV4, long-term IAM user keys only): credentials for a named federated user.
// The session has no permissions unless Policy/PolicyArns are passed; both are validated and
// counted in PackedPolicySize, as are the Tags (TransitiveTagKeys are not supported here).
import { packedPolicySize, parsePolicy } from "../iam/index.ts";
import { checkSessionTags, defineAction, stsActionParams, StsErrors } from "../protocol/index.ts";
import { credentialsXml } from "./assume.ts";
import { checkNotRevoked, principalOf, type Caller } from "./caller.ts";
import type { StsDeps } from "./deps.ts";

export const getFederationTokenAction = (deps: StsDeps) =>
  defineAction<typeof stsActionParams.GetFederationToken, "sigv4", Caller>({
    name: "GetFederationToken",
    auth: "sigv4",
    params: stsActionParams.GetFederationToken,
    check: (p) => checkSessionTags(p.Tags, []),
    handler: async (p, ctx) => {
      const caller = principalOf(ctx.caller, ctx.audit);
      Object.assign(ctx.audit, { name: p.Name, durationSeconds: p.DurationSeconds, tags: p.Tags });
      checkNotRevoked(ctx.caller, "GetFederationToken", deps.disabledRegions);
      if (caller.kind !== "iam-user") throw StsErrors.accessDenied("Cannot call GetFederationToken with session credentials");
      const policies = p.Policy === undefined ? [] : [p.Policy];
      for (const doc of policies) parsePolicy(doc, { kind: "identity" });
      const policyArns = (p.PolicyArns ?? []).map((x) => x.arn!);
      const tags = Object.fromEntries((p.Tags ?? []).map((t) => [t.Key, t.Value]));
      const sized = policies.length + policyArns.length + Object.keys(tags).length > 0;
      const packed = sized ? packedPolicySize({ policies, policyArns, tags }) : undefined;
      if (packed !== undefined && packed > 100) {
        throw StsErrors.packedPolicyTooLarge(`Packed size of session policies and session tags exceeds the limit: ${packed}% of the allowed size.`);
      }
      const now = deps.now();
      const arn = `arn:aws:sts::${caller.accountId}:federated-user/${p.Name}`;
      const userId = `${caller.accountId}:${p.Name}`;
      const credentials = await deps.store.issue({
        kind: "federated",
        accountId: caller.accountId,
        arn,
        userId,
        iamUserName: caller.iamUserName,
        sessionName: p.Name,
        tags,
        transitiveTagKeys: [],
        sessionPolicy: { policies, policyArns },
        mfa: false,
        chained: false,
        issuedAt: now,
        expiresAt: new Date(now.getTime() + (p.DurationSeconds ?? 43_200) * 1000),
      });
      Object.assign(ctx.audit, { accessKeyIdIssued: credentials.accessKeyId, expiration: credentials.expiration.toISOString() });
      return { Credentials: credentialsXml(credentials), FederatedUser: { FederatedUserId: userId, Arn: arn }, PackedPolicySize: packed };
    },
  });

// GetSessionToken (SigV4, long-term IAM user keys only): temporary credentials for the same user,
// optionally MFA-authenticated. 900–129,600 s, default 43,200 (sts.md §2).
import { defineAction, stsActionParams, StsErrors } from "../protocol/index.ts";
import { credentialsXml } from "./assume.ts";
import { checkNotRevoked, principalOf, type Caller } from "./caller.ts";
import type { StsDeps } from "./deps.ts";
import { checkMfa } from "./mfa.ts";

export const getSessionTokenAction = (deps: StsDeps) =>
  defineAction<typeof stsActionParams.GetSessionToken, "sigv4", Caller>({
    name: "GetSessionToken",
    auth: "sigv4",
    params: stsActionParams.GetSessionToken,
    handler: async (p, ctx) => {
      const caller = principalOf(ctx.caller, ctx.audit);
      Object.assign(ctx.audit, { durationSeconds: p.DurationSeconds, serialNumber: p.SerialNumber });
      checkNotRevoked(ctx.caller, "GetSessionToken", deps.disabledRegions);
      if (caller.kind !== "iam-user") throw StsErrors.accessDenied("Cannot call GetSessionToken with session credentials");
      const mfa = await checkMfa(deps, caller, p.SerialNumber, p.TokenCode);
      const now = deps.now();
      const credentials = await deps.store.issue({
        kind: "user",
        accountId: caller.accountId,
        arn: caller.arn,
        userId: caller.userId,
        iamUserName: caller.iamUserName,
        tags: {},
        transitiveTagKeys: [],
        mfa,
        chained: false,
        issuedAt: now,
        expiresAt: new Date(now.getTime() + (p.DurationSeconds ?? 43_200) * 1000),
      });
      Object.assign(ctx.audit, { accessKeyIdIssued: credentials.accessKeyId, expiration: credentials.expiration.toISOString(), mfa });
      return { Credentials: credentialsXml(credentials) };
    },
  });

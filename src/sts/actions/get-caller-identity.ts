// GetCallerIdentity: any valid credentials, no permission needed, explicit denies ignored
// (sts.md §1.2). Identity shapes per §1.3: user, assumed-role session, federated user.
import { defineAction, stsActionParams } from "../protocol/index.ts";
import { principalOf, type Caller } from "./caller.ts";

export const getCallerIdentityAction = () =>
  defineAction<typeof stsActionParams.GetCallerIdentity, "sigv4", Caller>({
    name: "GetCallerIdentity",
    auth: "sigv4",
    params: stsActionParams.GetCallerIdentity,
    handler: (_p, ctx) => {
      const p = principalOf(ctx.caller, ctx.audit);
      return { UserId: p.userId, Account: p.accountId, Arn: p.arn };
    },
  });

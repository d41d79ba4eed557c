// "Revoke active sessions" (reference/sts.md §4; IAM User Guide, id_roles_use_revoke-sessions):
// the IAM console attaches the inline policy AWSRevokeOlderSessions, which denies every action to
// credentials whose aws:TokenIssueTime is before the revocation instant. Revoking again replaces
// the instant. Sessions issued at or after the instant are unaffected (DateLessThan is strict).
// Note: GetCallerIdentity ignores explicit denies (sts.md §1.2); callers skip this check for it.
import { evaluate } from "./evaluate.ts";
import { parsePolicy } from "./parse.ts";
import type { AuthorizationRequest, Evaluation, Policy } from "./types.ts";

export const REVOKE_OLDER_SESSIONS_POLICY_NAME = "AWSRevokeOlderSessions";

/** The exact policy document the console writes, for the given instant (ISO 8601, ms precision). */
export function revokeOlderSessionsDocument(instant: Date): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: {
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { DateLessThan: { "aws:TokenIssueTime": instant.toISOString() } },
    },
  });
}

export function revokeOlderSessionsPolicy(instant: Date): Policy {
  return parsePolicy(revokeOlderSessionsDocument(instant), { kind: "identity" });
}

/**
 * Evaluates a revocation (or any deny) policy for a request made with temporary credentials
 * issued at `tokenIssueTime`; the session is revoked when the decision is ExplicitDeny.
 */
export function checkRevocation(
  policy: Policy,
  request: Omit<AuthorizationRequest, "context"> & { tokenIssueTime: Date; context?: AuthorizationRequest["context"] },
): Evaluation & { revoked: boolean } {
  const { tokenIssueTime, context = {}, ...rest } = request;
  // the issue time given here replaces any spelling of the key already in the context
  const others = Object.entries(context).filter(([key]) => key.toLowerCase() !== "aws:tokenissuetime");
  const evaluation = evaluate([{ policy, label: REVOKE_OLDER_SESSIONS_POLICY_NAME }], {
    ...rest,
    context: { ...Object.fromEntries(others), "aws:TokenIssueTime": tokenIssueTime },
  });
  return { ...evaluation, revoked: evaluation.decision === "ExplicitDeny" };
}

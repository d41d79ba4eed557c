// Role trust-policy checks for the assume-role actions (reference/sts.md §3, §3c):
// - the trust policy must allow the action itself (sts:AssumeRole, sts:AssumeRoleWithSAML,
//   sts:AssumeRoleWithWebIdentity), else AccessDenied "Not authorized to perform …";
// - "If you pass session tags, the trust policy must allow sts:TagSession" (IAM User Guide,
//   id_session-tags "Permissions required to add session tags");
// - a source identity needs sts:SetSourceIdentity (id_credentials_temp_control-access_monitor).
// Each action is evaluated with the same principal and context; all must be allowed.
import { combine, type CombinedEvaluation } from "./combine.ts";
import { ContextView } from "./context.ts";
import { evaluate, type PolicyInput } from "./evaluate.ts";
import type { RequestContext, RequestPrincipal } from "./types.ts";

export type AssumeRoleAction = "sts:AssumeRole" | "sts:AssumeRoleWithSAML" | "sts:AssumeRoleWithWebIdentity";

export interface TrustRequest {
  action: AssumeRoleAction;
  principal: RequestPrincipal;
  context: RequestContext;
  /** session tags are being passed (request Tags, SAML PrincipalTag attributes, JWT tags claim) */
  tagging: boolean;
  /** a source identity is being set */
  sourceIdentity: boolean;
  /** the role ARN (only used by statements with Resource, which trust policies do not have) */
  resource?: string;
}

/** `failed` names the first action that was not allowed (for "Not authorized to perform …"). */
export type TrustEvaluation = CombinedEvaluation;

export function evaluateTrust(trustPolicy: PolicyInput, req: TrustRequest): TrustEvaluation {
  const policy = "policy" in trustPolicy ? trustPolicy : { policy: trustPolicy, label: "trust policy" };
  const actions: string[] = [req.action];
  if (req.tagging) actions.push("sts:TagSession");
  if (req.sourceIdentity) actions.push("sts:SetSourceIdentity");
  const view = new ContextView(req.context); // one for all actions: the context is the same
  const parts = actions.map((action) => ({
    name: action,
    evaluation: evaluate([policy], { principal: req.principal, action, resource: req.resource, context: req.context }, view),
  }));
  return combine(parts, (p) => `${p.name}: ${p.evaluation.decision}`);
}

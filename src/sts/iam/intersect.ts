// Session policies only narrow: "The resulting session's permissions are the intersection of the
// role's identity-based policies and the session policies" and "an explicit deny in either policy
// overrides the allow" (IAM User Guide, access_policies "Session policies"). A request is allowed
// only when every layer allows it and no layer denies it. A layer with no policies allows nothing
// (GetFederationToken without a policy: "the session gets no permissions", sts.md §1.2); omit the
// layer to apply no narrowing.
import { combine, type CombinedEvaluation } from "./combine.ts";
import { evaluate, type PolicyInput } from "./evaluate.ts";
import type { AuthorizationRequest } from "./types.ts";

export interface PolicyLayer {
  /** e.g. "role policies", "session policy", "permissions boundary" */
  label: string;
  policies: PolicyInput[];
}

export function intersect(layers: PolicyLayer[], request: AuthorizationRequest): CombinedEvaluation {
  const parts = layers.map((layer) => {
    const policies = layer.policies.map((p, i) => ("policy" in p ? p : { policy: p, label: `${layer.label} #${i}` }));
    return { name: layer.label, evaluation: evaluate(policies, request) };
  });
  return combine(parts, (p) => `${p.name}: ${p.evaluation.decision}`);
}

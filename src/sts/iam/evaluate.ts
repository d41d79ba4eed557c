// Policy evaluation for one request (IAM User Guide, reference_policies_evaluation-logic):
// "an explicit deny in any policy overrides any allows"; without an applicable Allow the request
// is implicitly denied. Every statement is examined so that the explanation (shown by the admin
// "effective access" simulator) lists all that allowed or denied and why others did not apply.
import { ContextView } from "./context.ts";
import { evaluateStatement } from "./evaluate-statement.ts";
import type { AuthorizationRequest, Evaluation, LabeledPolicy, MatchedStatement, Policy } from "./types.ts";

export type PolicyInput = Policy | LabeledPolicy;

export function labeled(policies: PolicyInput[]): LabeledPolicy[] {
  return policies.map((p, i) => ("policy" in p ? p : { policy: p, label: `policy #${i}` }));
}

export function describeStatement(m: Pick<MatchedStatement, "policyLabel" | "sid" | "index">): string {
  return `${m.policyLabel} statement ${m.index}${m.sid ? ` (Sid ${m.sid})` : ""}`;
}

/** `view`: the request's context view, when the caller evaluates the same context several times. */
export function evaluate(policies: PolicyInput[], request: AuthorizationRequest, view = new ContextView(request.context)): Evaluation {
  const matched: MatchedStatement[] = [];
  const explanation: string[] = [];
  for (const { policy, label } of labeled(policies)) {
    policy.statements.forEach((st, index) => {
      const where = { policyLabel: label, sid: st.sid, index };
      const outcome = evaluateStatement(policy, st, request, view);
      if (outcome.applies) {
        matched.push({ ...where, effect: st.effect });
        const why = outcome.reasons.length > 0 ? ` (${outcome.reasons.join("; ")})` : "";
        explanation.push(`${describeStatement(where)}: ${st.effect} applies to ${request.action}${why}`);
      } else {
        explanation.push(`${describeStatement(where)}: ${st.effect} does not apply: ${outcome.reasons.join("; ")}`);
      }
    });
  }
  const denies = matched.filter((m) => m.effect === "Deny");
  const allows = matched.filter((m) => m.effect === "Allow");
  if (denies.length > 0) {
    explanation.push(`Decision: ExplicitDeny (denied by ${denies.map(describeStatement).join(", ")})`);
    return { decision: "ExplicitDeny", matched, explanation };
  }
  if (allows.length > 0) {
    explanation.push(`Decision: Allow (allowed by ${allows.map(describeStatement).join(", ")})`);
    return { decision: "Allow", matched, explanation };
  }
  explanation.push(`Decision: ImplicitDeny (no statement allows ${request.action})`);
  return { decision: "ImplicitDeny", matched, explanation };
}

// Combining several evaluations of one request that must all allow it (trust checks for the
// extra STS actions, identity ∩ session policies): an explicit deny anywhere wins, then any
// missing allow denies implicitly (IAM User Guide, reference_policies_evaluation-logic).
import type { Decision, Evaluation } from "./types.ts";

export interface Part {
  /** what was evaluated: an action ("sts:TagSession") or a policy layer ("session policy") */
  name: string;
  evaluation: Evaluation;
}

export interface CombinedEvaluation extends Evaluation {
  parts: Part[];
  /** the first part that did not allow, if any */
  failed?: string;
}

export function combine(parts: Part[], heading: (p: Part) => string): CombinedEvaluation {
  const denied = parts.find((p) => p.evaluation.decision === "ExplicitDeny");
  const notAllowed = parts.find((p) => p.evaluation.decision !== "Allow");
  const decision: Decision = denied ? "ExplicitDeny" : notAllowed || parts.length === 0 ? "ImplicitDeny" : "Allow";
  const failed = (denied ?? notAllowed)?.name;
  const explanation = parts.flatMap((p) => [heading(p), ...p.evaluation.explanation.map((line) => `  ${line}`)]);
  explanation.push(`Decision: ${decision}${failed ? ` (${failed}: ${(denied ?? notAllowed)!.evaluation.decision})` : ""}`);
  return { decision, matched: parts.flatMap((p) => p.evaluation.matched), explanation, parts, ...(failed ? { failed } : {}) };
}

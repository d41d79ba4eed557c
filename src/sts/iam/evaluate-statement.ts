// Whether one statement applies to a request: its Action, Resource, Principal and every
// Condition must match ("multiple condition operators and multiple keys are AND'd",
// IAM User Guide, reference_policies_condition-logic-multiple-context-keys-or-values).
// Policy variables are interpolated only with Version 2012-10-17 (reference_policies_variables);
// a variable without a value and without a default makes the statement not apply.
import type { ContextView } from "./context.ts";
import { evaluateCondition } from "./conditions/evaluate.ts";
import { actionMatches } from "./match-action.ts";
import { principalMatches } from "./match-principal.ts";
import { resourceMatches } from "./match-resource.ts";
import type { AuthorizationRequest, Policy, Statement } from "./types.ts";
import { UnresolvedVariable } from "./variables.ts";

export interface StatementOutcome {
  applies: boolean;
  /** why it does not apply (or, when it applies, the conditions that held) */
  reasons: string[];
}

export function evaluateStatement(policy: Policy, st: Statement, req: AuthorizationRequest, view: ContextView): StatementOutcome {
  const scope = policy.version === "2012-10-17" ? view : undefined;
  try {
    return check(st, req, view, scope);
  } catch (err) {
    if (err instanceof UnresolvedVariable) return { applies: false, reasons: [`${err.message}, so the statement does not apply`] };
    throw err;
  }
}

function check(st: Statement, req: AuthorizationRequest, view: ContextView, scope: ContextView | undefined): StatementOutcome {
  const { action, resource, principal } = st;
  if (actionMatches(action.value, req.action) === action.negated) {
    const element = action.negated ? "is listed in NotAction" : "is not listed in Action";
    return { applies: false, reasons: [`action ${req.action} ${element}`] };
  }
  if (resource && resourceMatches(resource.value, req.resource, scope) === resource.negated) {
    const element = resource.negated ? "is listed in NotResource" : "is not listed in Resource";
    return { applies: false, reasons: [`resource ${req.resource ?? "(none)"} ${element}`] };
  }
  if (principal && principalMatches(principal.value, req.principal) === principal.negated) {
    const who = req.principal ? `${req.principal.type} ${req.principal.id}` : "(anonymous)";
    const element = principal.negated ? "is listed in NotPrincipal" : "is not listed in Principal";
    return { applies: false, reasons: [`principal ${who} ${element}`] };
  }
  const results = st.conditions.map((c) => evaluateCondition(c, view, scope));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) return { applies: false, reasons: failed.map((r) => `condition failed: ${r.detail}`) };
  return { applies: true, reasons: results.map((r) => `condition holds: ${r.detail}`) };
}

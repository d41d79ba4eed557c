// Evaluates one condition (operator + key + values) against the request context.
// Rules (IAM User Guide, reference_policies_elements_condition and
// reference_policies_condition-logic-multiple-context-keys-or-values):
// - several values for one key are OR'd; for a negated operator the result is negated (NOR):
//   StringNotEquals {k: [a, b]} is true when the request value is neither a nor b.
// - "If the key that you specify in a policy condition is not present in the request context, the
//   values do not match and the condition is false. If the policy condition requires that the key
//   is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the
//   condition can return true. This logic applies to all condition operators except ...IfExists
//   and Null check." So a missing key makes positive operators false and negated operators true.
// - …IfExists: "If the policy key is present in the context of the request, process the key as
//   specified in the policy. If the key is not present, evaluate the condition element as true."
// - ForAllValues: true when every request value matches (vacuously true for a missing/empty key);
//   ForAnyValue: true when at least one does (false for a missing/empty key). With a negated
//   operator, "matches" means "matches none of the policy values".
// - Without a set operator a multivalued request key behaves like ForAnyValue for positive
//   operators, and for negated ones like "no request value matches" (the negation of that).
import type { ContextView, Scalar } from "../context.ts";
import { scalarToString } from "../context.ts";
import type { Condition } from "../types.ts";
import { operatorSpec } from "./operators.ts";

export interface ConditionResult {
  ok: boolean;
  /** why it holds or fails, for the explanation */
  detail: string;
}

/** Throws UnresolvedVariable when a policy value uses a variable the request lacks. */
export function evaluateCondition(c: Condition, view: ContextView, scope: ContextView | undefined): ConditionResult {
  const label = `${c.operator} ${c.key}`;
  const values = view.values(c.key);
  if (c.base === "Null") return nullCheck(c, values !== undefined, label);

  const spec = operatorSpec(c.base);
  if (!spec) return { ok: false, detail: `${label}: unknown operator` };
  // compile first so that an unresolved variable rejects the statement whatever the key holds
  const matchers = c.values.map((p) => spec.compile(p, scope));
  const policy = ` ${JSON.stringify(c.values)}`;

  if (values === undefined) {
    if (c.ifExists) return { ok: true, detail: `${label}: key absent, IfExists holds` };
    if (c.set === "ForAllValues") return { ok: true, detail: `${label}: key absent, ForAllValues holds for an empty set` };
    if (c.set === "ForAnyValue") return { ok: false, detail: `${label}: key absent, ForAnyValue fails for an empty set` };
    if (spec.negated) return { ok: true, detail: `${label}: key absent, a negated operator holds` };
    return { ok: false, detail: `${label}: key ${c.key} is not in the request` };
  }

  const matchesAny = (v: Scalar) => matchers.some((m) => m(v));
  const hit = (v: Scalar) => (spec.negated ? !matchesAny(v) : matchesAny(v));
  const ok =
    c.set === "ForAllValues" || (c.set === undefined && spec.negated) ? values.every(hit) : values.some(hit);
  const request = JSON.stringify(values.map(scalarToString));
  return { ok, detail: `${label}: request ${request} ${ok ? "satisfies" : "does not satisfy"}${policy}` };
}

/** Null: "true" holds when the key is absent, "false" when it is present. Set prefixes do not apply. */
function nullCheck(c: Condition, present: boolean, label: string): ConditionResult {
  const ok = c.values.some((v) => {
    const want = v.trim().toLowerCase();
    return (want === "true" && !present) || (want === "false" && present);
  });
  return { ok, detail: `${label}: key is ${present ? "present" : "absent"}, policy wants Null ${JSON.stringify(c.values)}` };
}

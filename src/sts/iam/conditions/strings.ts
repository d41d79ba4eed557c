// String condition operators (IAM User Guide, reference_policies_elements_condition_operators,
// "String condition operators"): StringEquals is exact and case-sensitive, …IgnoreCase folds case,
// StringLike adds "*" and "?" wildcards. Policy variables are allowed in all of them.
import { scalarToString } from "../context.ts";
import { compileGlob, literal } from "../wildcard.ts";
import type { Compiler } from "./compiler.ts";

export function stringEquals(ignoreCase: boolean): Compiler {
  return (policyValue, scope) => {
    const expected = literal(policyValue, scope);
    if (!ignoreCase) return (v) => scalarToString(v) === expected;
    const lower = expected.toLowerCase();
    return (v) => scalarToString(v).toLowerCase() === lower;
  };
}

export const stringLike: Compiler = (policyValue, scope) => {
  const match = compileGlob(policyValue, { scope });
  return (v) => match(scalarToString(v));
};

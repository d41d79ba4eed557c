// The shape shared by all condition operator families: a policy value is compiled (variables
// resolved) into a predicate over one request value.
import type { ContextView, Scalar } from "../context.ts";

export type Matcher = (requestValue: Scalar) => boolean;
/**
 * `scope` is undefined when the policy is Version 2008-10-17 (no variable interpolation). Only the
 * string and ARN compilers use it: variables are interpolated "in string comparisons" and ARNs
 * (IAM User Guide, reference_policies_variables), never in numeric, date, Bool, binary or IP values.
 */
export type Compiler = (policyValue: string, scope: ContextView | undefined) => Matcher;

export const never: Matcher = () => false;

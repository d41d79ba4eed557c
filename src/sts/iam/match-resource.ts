// Resource / NotResource: ARNs matched case-sensitively, component by component, with "*" and
// "?" and (Version 2012-10-17) policy variables (IAM User Guide, reference_policies_elements_resource:
// "You can use wildcard characters (* and ?) within any ARN segment").
// A request without a resource (an action with no resource-level permissions) only matches "*".
import { compileArnPattern } from "./arn.ts";
import type { ContextView } from "./context.ts";

/** Throws UnresolvedVariable when a pattern uses a variable the request lacks. */
export function resourceMatches(patterns: string[], resource: string | undefined, scope: ContextView | undefined): boolean {
  const matchers = patterns.map((p) => (p === "*" ? () => true : compileArnPattern(p, { scope })));
  if (resource === undefined) return patterns.includes("*");
  return matchers.some((m) => m(resource));
}

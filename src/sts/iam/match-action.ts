// Action / NotAction: "service:action", matched case-insensitively with "*" and "?"
// ("Action values are not case-sensitive", IAM User Guide, reference_policies_elements_action).
// Policy variables are not supported in Action.
import { globMatch } from "./wildcard.ts";

export function actionMatches(patterns: string[], action: string): boolean {
  return patterns.some((p) => globMatch(p, action, { ignoreCase: true }));
}

// Cross-member rules for session tags that the model's per-member constraints cannot express
// (id_session-tags; sts.md §2 Tags/TransitiveTagKeys). Both are InvalidParameterValue (400).
// - Tag keys are case-insensitive: `Project` and `project` in one request is an error
//   (wording: IAM's "Duplicate tag keys found…").
// - Every TransitiveTagKeys entry must name a passed tag, compared case-insensitively
//   (wording: LocalStack's AssumeRole provider, which mirrors AWS).
// Inherited-transitive-key conflicts need the caller's session and belong to the action.
import { StsErrors } from "../errors.ts";

export interface SessionTag {
  Key: string;
  Value: string;
}

export function checkSessionTags(tags: readonly SessionTag[] = [], transitiveTagKeys: readonly string[] = []): void {
  const keys = new Set<string>();
  for (const { Key } of tags) {
    const k = Key.toLowerCase();
    if (keys.has(k)) throw StsErrors.invalidParameterValue("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    keys.add(k);
  }
  for (const key of transitiveTagKeys) {
    if (!keys.has(key.toLowerCase())) {
      throw StsErrors.invalidParameterValue("The specified transitive tag key must be included in the requested tags.");
    }
  }
}

// Case-insensitive view of the request context.
// - "Condition key names are not case-sensitive" (IAM User Guide, reference_policies_elements_condition).
// - A key that is undefined or an empty list is absent: AWS treats "a missing key or a key with an
//   empty data set" alike for set operators (reference_policies_condition-single-vs-multi-valued-context-keys).
import type { RequestContext } from "./types.ts";

export type Scalar = string | number | boolean | Date;

export class ContextView {
  readonly #values = new Map<string, Scalar[]>();

  constructor(context: RequestContext) {
    for (const [key, value] of Object.entries(context)) {
      if (value === undefined || value === null) continue; // null: tolerated from untyped callers
      const list: Scalar[] = Array.isArray(value) ? value : [value];
      if (list.length === 0) continue;
      const k = key.toLowerCase();
      this.#values.set(k, [...(this.#values.get(k) ?? []), ...list]);
    }
  }

  /** All values of a key, or undefined when the key is absent (or empty). */
  values(key: string): Scalar[] | undefined {
    return this.#values.get(key.toLowerCase());
  }

  /**
   * The value a policy variable `${key}` stands for. Multivalued keys cannot be policy variables
   * (IAM User Guide, reference_policies_variables: "you can't use multivalued keys"), so a key
   * holding several values resolves to nothing.
   */
  variable(key: string): string | undefined {
    const list = this.values(key);
    if (!list || list.length !== 1) return undefined;
    return scalarToString(list[0]!);
  }
}

/** The string form of a context value: dates as ISO 8601 UTC, booleans as "true"/"false". */
export function scalarToString(value: Scalar): string {
  if (!(value instanceof Date)) return String(value);
  return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
}

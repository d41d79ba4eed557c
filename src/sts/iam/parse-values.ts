// Shared checks for the JSON shapes of policy elements. IAM accepts a single string or an array
// of strings wherever a list is allowed (reference_policies_grammar: <action_string> | [<action_string>, …]).
import { MalformedPolicyDocument } from "./errors.ts";

export const SYNTAX = "Syntax errors in policy.";

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string or a non-empty array of non-empty strings, as an array. */
export function stringList(value: unknown, element: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string" && v.length > 0)) {
    throw new MalformedPolicyDocument(`${SYNTAX} ${element} must be a non-empty string or a non-empty list of strings.`);
  }
  return list as string[];
}

/** Rejects fields other than the known ones ("Unknown field Foo"). */
export function onlyFields(value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new MalformedPolicyDocument(`Unknown field ${key}`);
  }
}

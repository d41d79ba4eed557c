// Condition element: { "<operator>": { "<key>": value | [values] }, … }
// (IAM User Guide, reference_policies_elements_condition). Operators are checked against the
// table in conditions/operators.ts; keys must name a vendor ("aws:", "saml:", "sts:",
// "accounts.google.com:") as AWS requires; values are strings, numbers or booleans.
import { parseOperatorName } from "./conditions/operators.ts";
import { MalformedPolicyDocument } from "./errors.ts";
import { isObject, SYNTAX } from "./parse-values.ts";
import type { Condition } from "./types.ts";

const VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";

export function parseConditions(raw: unknown): Condition[] {
  if (!isObject(raw)) throw new MalformedPolicyDocument(`${SYNTAX} Condition must be an object.`);
  const conditions: Condition[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    const name = parseOperatorName(operator);
    if (!name) throw new MalformedPolicyDocument(`Invalid Condition operator ${operator}`);
    if (!isObject(block) || Object.keys(block).length === 0) {
      throw new MalformedPolicyDocument(`${SYNTAX} Condition operator ${operator} must map keys to values.`);
    }
    for (const [key, value] of Object.entries(block)) {
      if (!/^[^\s:]+:\S+$/.test(key)) throw new MalformedPolicyDocument(`${VENDOR} (condition key ${JSON.stringify(key)})`);
      conditions.push({ operator, ...name, key, values: conditionValues(value, operator, key) });
    }
  }
  return conditions;
}

function conditionValues(value: unknown, operator: string, key: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  const scalar = (v: unknown) => typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
  if (list.length === 0 || !list.every(scalar)) {
    throw new MalformedPolicyDocument(`${SYNTAX} Invalid value for ${operator} ${key}.`);
  }
  return list.map(String);
}

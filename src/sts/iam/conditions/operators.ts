// The condition operator table and the grammar of an operator name:
//   [ForAnyValue:|ForAllValues:] <Operator> [IfExists]
// (IAM User Guide, reference_policies_elements_condition_operators; IfExists "can be added to the
// end of any condition operator name except the Null condition").
// Names are matched case-sensitively, as written in the IAM reference.
import type { SetOperator } from "../types.ts";
import type { Compiler } from "./compiler.ts";
import { date } from "./dates.ts";
import { ipAddress } from "./ip.ts";
import { arnLike, binaryEquals, bool } from "./misc.ts";
import { numeric } from "./numeric.ts";
import { stringEquals, stringLike } from "./strings.ts";

const POSITIVE: Record<string, Compiler> = {
  StringEquals: stringEquals(false),
  StringEqualsIgnoreCase: stringEquals(true),
  StringLike: stringLike,
  NumericEquals: numeric((a, b) => a === b),
  NumericLessThan: numeric((a, b) => a < b),
  NumericLessThanEquals: numeric((a, b) => a <= b),
  NumericGreaterThan: numeric((a, b) => a > b),
  NumericGreaterThanEquals: numeric((a, b) => a >= b),
  DateEquals: date((a, b) => a === b),
  DateLessThan: date((a, b) => a < b),
  DateLessThanEquals: date((a, b) => a <= b),
  DateGreaterThan: date((a, b) => a > b),
  DateGreaterThanEquals: date((a, b) => a >= b),
  Bool: bool,
  BinaryEquals: binaryEquals,
  IpAddress: ipAddress,
  ArnEquals: arnLike,
  ArnLike: arnLike,
};

/** Negated operators and the positive operator they negate. */
const NEGATED: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  NumericNotEquals: "NumericEquals",
  DateNotEquals: "DateEquals",
  NotIpAddress: "IpAddress",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

export interface OperatorSpec {
  compile: Compiler;
  negated: boolean;
}

/** The spec of a base operator (no prefix/suffix); undefined for Null and unknown names. */
export function operatorSpec(base: string): OperatorSpec | undefined {
  const positive = Object.hasOwn(NEGATED, base) ? NEGATED[base]! : base;
  if (!Object.hasOwn(POSITIVE, positive)) return undefined;
  return { compile: POSITIVE[positive]!, negated: positive !== base };
}

export interface OperatorName {
  base: string;
  set?: SetOperator;
  ifExists: boolean;
}

/** Parses an operator name; undefined when AWS would reject it. */
export function parseOperatorName(name: string): OperatorName | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(name);
  if (!m) return undefined;
  const base = m[2]!;
  const ifExists = m[3] !== undefined;
  if (base === "Null") return ifExists ? undefined : { base, set: m[1] as SetOperator | undefined, ifExists };
  if (!operatorSpec(base)) return undefined;
  return { base, set: m[1] as SetOperator | undefined, ifExists };
}

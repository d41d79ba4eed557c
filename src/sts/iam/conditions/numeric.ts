// Numeric condition operators (IAM User Guide, condition operators "Numeric condition operators").
// Values may be JSON numbers or numeric strings ("NumericLessThan": {"s3:max-keys": "10"}).
// A value that is not a number never matches (the comparison "does not match").
import type { Scalar } from "../context.ts";
import { never, type Compiler } from "./compiler.ts";

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(v: Scalar): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  return NUMBER.test(s) ? Number(s) : undefined;
}

export function numeric(compare: (request: number, policy: number) => boolean): Compiler {
  return (policyValue) => {
    const p = parseNumber(policyValue);
    if (p === undefined) return never;
    return (v) => {
      const n = parseNumber(v);
      return n !== undefined && compare(n, p);
    };
  };
}

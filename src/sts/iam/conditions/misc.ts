// Bool, BinaryEquals and ARN condition operators
// (IAM User Guide, reference_policies_elements_condition_operators).
import { compileArnPattern } from "../arn.ts";
import { scalarToString } from "../context.ts";
import { never, type Compiler } from "./compiler.ts";

/** Bool: "true"/"false" (JSON booleans are stringified by the parser), case-insensitive. */
export const bool: Compiler = (policyValue) => {
  const p = policyValue.trim().toLowerCase();
  if (p !== "true" && p !== "false") return never;
  return (v) => (typeof v === "boolean" || typeof v === "string") && String(v).trim().toLowerCase() === p;
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

function decodeBase64(s: string): Buffer | undefined {
  const t = s.replace(/\s+/g, "");
  return t && BASE64.test(t) ? Buffer.from(t, "base64") : undefined;
}

/** BinaryEquals: "the value in the policy is the base-64 encoded binary value"; bytes are compared. */
export const binaryEquals: Compiler = (policyValue) => {
  const p = decodeBase64(policyValue);
  if (!p) return never;
  return (v) => {
    const bytes = typeof v === "string" ? decodeBase64(v) : undefined;
    return bytes !== undefined && bytes.equals(p);
  };
};

/**
 * ArnEquals and ArnLike behave the same: "Case-sensitive matching of the ARN. Each of the six
 * colon-delimited components of the ARN is checked separately and each can include multi-character
 * match wildcards (*) or single-character match wildcards (?)". Policy variables are allowed.
 */
export const arnLike: Compiler = (policyValue, scope) => {
  const match = compileArnPattern(policyValue, { scope });
  return (v) => typeof v === "string" && match(v);
};

// One Statement (IAM User Guide, reference_policies_elements and reference_policies_grammar):
// - Effect "Allow" | "Deny" is required.
// - Exactly one of Action / NotAction ("Policy statement must contain actions.").
// - Principal / NotPrincipal: at most one; required in trust policies, forbidden in identity and
//   session policies ("Policy document should not specify a principal.").
// - Resource / NotResource: at most one; required in identity policies ("Policy statement must
//   contain resources."), prohibited in role trust policies (IAM: "Has prohibited field Resource").
import { splitArn } from "./arn.ts";
import { MalformedPolicyDocument } from "./errors.ts";
import { parseConditions } from "./parse-condition.ts";
import { parsePrincipal } from "./parse-principal.ts";
import { isObject, onlyFields, stringList, SYNTAX } from "./parse-values.ts";
import type { Negatable, Statement } from "./types.ts";

/** trust = role trust policy; identity = identity or session policy; any = no kind-specific rules */
export type PolicyKind = "trust" | "identity" | "any";

const FIELDS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"] as const;

export function parseStatement(raw: unknown, kind: PolicyKind): Statement {
  if (!isObject(raw)) throw new MalformedPolicyDocument(SYNTAX);
  onlyFields(raw, FIELDS);
  const statement: Statement = {
    sid: parseSid(raw.Sid, kind),
    effect: parseEffect(raw.Effect),
    principal: pair(raw, "Principal", parsePrincipal),
    action: pair(raw, "Action", (v) => stringList(v, "Action").map(checkAction)) ?? missing("Policy statement must contain actions."),
    resource: pair(raw, "Resource", (v) => stringList(v, "Resource").map(checkResource)),
    conditions: raw.Condition === undefined ? [] : parseConditions(raw.Condition),
  };
  if (kind === "trust") {
    if (!statement.principal) missing("Missing required field Principal");
    if (raw.Resource !== undefined || raw.NotResource !== undefined) {
      throw new MalformedPolicyDocument(`Has prohibited field ${raw.Resource !== undefined ? "Resource" : "NotResource"}`);
    }
  }
  if (kind === "identity") {
    if (statement.principal) throw new MalformedPolicyDocument("Policy document should not specify a principal.");
    if (!statement.resource) missing("Policy statement must contain resources.");
  }
  return statement;
}

/** Reads `X` / `NotX`; both present is an error. */
function pair<T>(raw: Record<string, unknown>, name: string, parse: (v: unknown) => T): Negatable<T> | undefined {
  const plain = raw[name];
  const not = raw[`Not${name}`];
  if (plain !== undefined && not !== undefined) {
    throw new MalformedPolicyDocument(`${SYNTAX} A statement cannot contain both ${name} and Not${name}.`);
  }
  if (plain !== undefined) return { negated: false, value: parse(plain) };
  if (not !== undefined) return { negated: true, value: parse(not) };
  return undefined;
}

function missing(message: string): never {
  throw new MalformedPolicyDocument(message);
}

function parseSid(sid: unknown, kind: PolicyKind): string | undefined {
  if (sid === undefined) return undefined;
  if (typeof sid !== "string") throw new MalformedPolicyDocument(SYNTAX);
  // IAM policies: "Statement IDs (SID) must be alpha-numeric" (other services allow more)
  if (kind !== "any" && !/^[0-9A-Za-z]*$/.test(sid)) {
    throw new MalformedPolicyDocument("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*");
  }
  return sid;
}

function parseEffect(effect: unknown): "Allow" | "Deny" {
  if (effect === undefined) missing("Missing required field Effect");
  if (effect !== "Allow" && effect !== "Deny") throw new MalformedPolicyDocument(`Invalid effect: ${String(effect)}`);
  return effect;
}

/** "*" or "<vendor>:<action>" with optional wildcards. */
function checkAction(action: string): string {
  if (action !== "*" && !/^[^\s:]+:[^\s:]+$/.test(action)) {
    throw new MalformedPolicyDocument(`Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (action ${JSON.stringify(action)})`);
  }
  return action;
}

function checkResource(resource: string): string {
  // all six components must be there ("arn:aws:s3:::bucket"); wildcards may fill them
  if (resource !== "*" && splitArn(resource)?.[0] !== "arn") {
    throw new MalformedPolicyDocument(`Resource ${resource} must be in ARN format or "*".`);
  }
  return resource;
}

// Policy documents: JSON text or an already parsed object → a typed Policy, or a
// MalformedPolicyDocument error with an AWS-like message (sts.md §1.4). Size limits are the
// caller's (see packed-size.ts for session policies).
// - Version: "2012-10-17" or "2008-10-17"; "If you do not include a Version element, the value
//   defaults to 2008-10-17" (IAM User Guide, reference_policies_elements_version). Any other value
//   is rejected as IAM does: "The policy failed legacy parsing".
// - Statement: one object or an array of them; Sids must be unique within the policy.
import { MalformedPolicyDocument } from "./errors.ts";
import { parseStatement, type PolicyKind } from "./parse-statement.ts";
import { isObject, onlyFields, SYNTAX } from "./parse-values.ts";
import type { Policy, PolicyVersion } from "./types.ts";

export type { PolicyKind };

export interface ParseOptions {
  /** kind-specific rules (Principal, Resource, Sid); default "any" */
  kind?: PolicyKind;
}

const VERSIONS: readonly PolicyVersion[] = ["2012-10-17", "2008-10-17"];

export function parsePolicy(input: unknown, opts: ParseOptions = {}): Policy {
  const doc = typeof input === "string" ? parseJson(input) : input;
  if (!isObject(doc)) throw new MalformedPolicyDocument(SYNTAX);
  onlyFields(doc, ["Version", "Id", "Statement"]);

  const version = doc.Version ?? "2008-10-17";
  if (!VERSIONS.includes(version as PolicyVersion)) throw new MalformedPolicyDocument("The policy failed legacy parsing");
  if (doc.Id !== undefined && typeof doc.Id !== "string") throw new MalformedPolicyDocument(SYNTAX);
  if (doc.Statement === undefined) throw new MalformedPolicyDocument("Missing required field Statement");

  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (raw.length === 0) throw new MalformedPolicyDocument(`${SYNTAX} Statement must not be empty.`);
  const statements = raw.map((s) => parseStatement(s, opts.kind ?? "any"));

  const sids = statements.map((s) => s.sid).filter((sid) => sid !== undefined && sid !== "");
  if (new Set(sids).size !== sids.length) {
    throw new MalformedPolicyDocument("Statement IDs (SID) in a single policy must be unique.");
  }
  return { version: version as PolicyVersion, ...(doc.Id !== undefined ? { id: doc.Id as string } : {}), statements };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedPolicyDocument(SYNTAX);
  }
}

// Principal / NotPrincipal element (IAM User Guide, reference_policies_elements_principal):
// "*" or an object with AWS, Federated, Service and CanonicalUser lists. Wildcards are only
// allowed as the whole value "*" ("You cannot use a wildcard to match part of a principal name or
// ARN"). A bad value is rejected with AWS's message: Invalid principal in policy: "AWS":"…".
import { isArn, parseArn, parseOidcProviderArn, parseSamlProviderArn } from "./arn.ts";
import { MalformedPolicyDocument } from "./errors.ts";
import { isObject, stringList, SYNTAX } from "./parse-values.ts";
import type { PrincipalSpec } from "./types.ts";

type PrincipalType = "AWS" | "Federated" | "Service" | "CanonicalUser";

const VALIDATORS: Record<PrincipalType, (v: string) => boolean> = {
  AWS: (v) => v === "*" || /^\d{12}$/.test(v) || awsArn(v),
  Federated: (v) => v === "*" || providerArn(v) || /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/[\w./-]*)?$/i.test(v),
  Service: (v) => v === "*" || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v),
  CanonicalUser: (v) => /^[0-9a-f]{64}$/i.test(v),
};

export function parsePrincipal(raw: unknown): PrincipalSpec {
  if (raw === "*") return "*";
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    throw new MalformedPolicyDocument(typeof raw === "string" ? `Invalid principal in policy: ${JSON.stringify(raw)}` : SYNTAX);
  }
  const spec: Exclude<PrincipalSpec, "*"> = {};
  for (const [type, value] of Object.entries(raw)) {
    if (!Object.hasOwn(VALIDATORS, type)) {
      throw new MalformedPolicyDocument(`Invalid principal in policy: ${JSON.stringify(type)}:${JSON.stringify(value)}`);
    }
    const values = stringList(value, "Principal");
    const bad = values.find((v) => !VALIDATORS[type as PrincipalType](v));
    if (bad !== undefined) {
      throw new MalformedPolicyDocument(`Invalid principal in policy: ${JSON.stringify(type)}:${JSON.stringify(bad)}`);
    }
    spec[type as PrincipalType] = values;
  }
  return spec;
}

/** An IAM or STS principal ARN in a 12-digit account, without wildcards. */
function awsArn(v: string): boolean {
  if (/[*?]/.test(v) || !isArn(v)) return false;
  const arn = parseArn(v);
  return (arn.service === "iam" || arn.service === "sts") && arn.region === "" && /^\d{12}$/.test(arn.account);
}

function providerArn(v: string): boolean {
  if (/[*?]/.test(v)) return false;
  for (const parse of [parseSamlProviderArn, parseOidcProviderArn]) {
    try {
      parse(v);
      return true;
    } catch {
      /* try the next form */
    }
  }
  return false;
}

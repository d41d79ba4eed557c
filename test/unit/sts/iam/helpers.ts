// Small builders for the IAM engine tests.
import { evaluate, parsePolicy, type Policy, type RequestContext, type AuthorizationRequest } from "../../../../src/sts/iam/index.ts";

/** A one-statement Allow policy with the given Condition block. */
export function allowWhen(condition: object, version = "2012-10-17"): Policy {
  return parsePolicy({ Version: version, Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: condition } });
}

/** Whether `condition` holds for `context` (the only statement allows → decision Allow). */
export function holds(condition: object, context: RequestContext, version = "2012-10-17"): boolean {
  const decision = evaluate([allowWhen(condition, version)], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context }).decision;
  return decision === "Allow";
}

export function decide(policy: object | string, request: Partial<AuthorizationRequest> & { action: string }): string {
  return evaluate([parsePolicy(policy)], { context: {}, ...request }).decision;
}

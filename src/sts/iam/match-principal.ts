// Principal / NotPrincipal matching (IAM User Guide, reference_policies_elements_principal):
// - "*" and {"AWS": "*"} are equivalent and match every principal, anonymous included.
// - An account ID or "arn:aws:iam::<acct>:root" stands for the account: any principal of it.
// - A role ARN also matches the sessions of that role ("When you specify a role as principal …
//   the principal is the role session"); an assumed-role ARN has no role path, and role names are
//   unique in an account regardless of path, so account + role name decide.
// - Other ARNs (users, sessions, federated users) match exactly; Federated and Service values
//   (provider ARN, "accounts.google.com", "ec2.amazonaws.com") match the request's identifier exactly.
import { isArn, parseArn, parseAssumedRoleArn, parseRoleArn } from "./arn.ts";
import type { PrincipalSpec, RequestPrincipal } from "./types.ts";

export function principalMatches(spec: PrincipalSpec, principal: RequestPrincipal | undefined): boolean {
  if (spec === "*" || spec.AWS?.includes("*")) return true;
  if (!principal || principal.type === "*") return false;
  if (principal.type === "AWS") return (spec.AWS ?? []).some((p) => awsPrincipalMatches(p, principal.id));
  const listed = principal.type === "Federated" ? spec.Federated : spec.Service;
  return (listed ?? []).some((p) => p === "*" || p === principal.id);
}

function awsPrincipalMatches(policyValue: string, requestId: string): boolean {
  const callerArn = /^\d{12}$/.test(requestId) ? `arn:aws:iam::${requestId}:root` : requestId;
  if (policyValue === callerArn) return true;
  if (!isArn(callerArn)) return false;
  const caller = parseArn(callerArn);
  if (/^\d{12}$/.test(policyValue)) return caller.account === policyValue;
  if (!isArn(policyValue)) return false;
  const listed = parseArn(policyValue);
  if (listed.partition !== caller.partition || listed.account !== caller.account) return false;
  if (listed.service === "iam" && listed.resource === "root") return true;
  if (listed.service === "iam" && listed.resource.startsWith("role/") && caller.resource.startsWith("assumed-role/")) {
    try {
      return parseRoleArn(policyValue).name === parseAssumedRoleArn(callerArn).roleName;
    } catch {
      return false;
    }
  }
  return false;
}

// Client-credentials tokens act for the client itself (a machine identity). Its groups are the
// client's configured access groups (OidcClientAccess), so admins map machines to AWS roles the
// same way as people: group → role mappings, decided by the claims engine.
import { rolesFor } from "../claims/index.ts";
import { effectiveGroupsOf, type DirectorySnapshot } from "../directory/index.ts";
import { ROLES_CLAIM } from "./aws-claims.ts";

export function machineClaims(snapshot: DirectorySnapshot, clientId: string, issuer: string): Record<string, string[]> | undefined {
  const client = snapshot.clientByClientId.get(clientId);
  if (!client) return undefined;
  const groups = effectiveGroupsOf(snapshot, client.accessGroupIds);
  return {
    groups: groups.map((g) => g.name).sort(),
    [ROLES_CLAIM]: rolesFor(snapshot, groups, { kind: "oidc", id: clientId }, issuer).map((r) => r.roleArn),
  };
}

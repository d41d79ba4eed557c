// The start page's AWS launch links: one per role the user may take, opened as IdP-initiated SSO
// with that role alone (issue.ts), so AWS signs them straight in without its role chooser and
// with that role's own session length. The roles are those an assertion would carry (claims),
// each with its account's name if an admin gave it one.
import { rolesFor } from "../claims/index.ts";
import { effectiveGroupsOf, parseRoleArn, type DirectoryService } from "../directory/index.ts";

export function awsLaunchRoles(directory: DirectoryService, issuer: string): (userId: string, spEntityId: string) => Promise<{ roleArn: string; accountAlias?: string }[]> {
  return async (userId, spEntityId) => {
    const [user, snapshot] = await Promise.all([directory.getUser(userId), directory.snapshot()]);
    return rolesFor(snapshot, effectiveGroupsOf(snapshot, user.groupIds), { kind: "saml", id: spEntityId }, issuer).map((r) => ({
      roleArn: r.roleArn,
      accountAlias: snapshot.aliasByAccount.get(parseRoleArn(r.roleArn)?.accountId ?? ""),
    }));
  };
}

// The start page's AWS launch links: one per role the user may take, opened as IdP-initiated SSO
// with that role alone (issue.ts), so AWS signs them straight in without its role chooser and
// with that role's own session length. The roles are those an assertion would carry (claims),
// each with its account's name if an admin gave it one.
import { rolesFor } from "../claims/index.ts";
import { effectiveGroupsOf, parseRoleArn, type DirectoryService } from "../directory/index.ts";

export interface LaunchRole {
  roleArn: string;
  /** the role's name, without its path */
  name: string;
  accountId: string;
  accountAlias?: string;
}

export function awsLaunchRoles(directory: DirectoryService, issuer: string): (userId: string, spEntityId: string) => Promise<LaunchRole[]> {
  return async (userId, spEntityId) => {
    const [user, snapshot] = await Promise.all([directory.getUser(userId), directory.snapshot()]);
    return rolesFor(snapshot, effectiveGroupsOf(snapshot, user.groupIds), { kind: "saml", id: spEntityId }, issuer).flatMap((r) => {
      const arn = parseRoleArn(r.roleArn); // stored role ARNs are valid; a role without a parse has no link
      return arn ? [{ roleArn: r.roleArn, name: arn.name, accountId: arn.accountId, accountAlias: snapshot.aliasByAccount.get(arn.accountId) }] : [];
    });
  };
}

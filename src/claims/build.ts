// buildFederatedIdentity: the only place roles, tags and session limits are decided.
// Pure: reads the directory snapshot it is given, never the database.
import { Denied, Invalid } from "../errors.ts";
import { compare, sessionDurationProblem } from "../directory/index.ts";
import { checkTargetAccess } from "./access.ts";
import { rolesFor, sessionDurationFor } from "./roles.ts";
import { roleSessionNameFor, sourceIdentityFor } from "./session-name.ts";
import { sessionTagsFor } from "./tags.ts";
import { NAMEID_PERSISTENT, type BuildInput, type BuildResult, type FederatedIdentity } from "./types.ts";

export function buildFederatedIdentity(input: BuildInput): BuildResult {
  const { user, snapshot, target, effectiveGroups } = input;
  if (user.disabled) throw new Denied("This account is disabled.");
  checkTargetAccess(snapshot, target, effectiveGroups);
  if (input.requestedDuration !== undefined) {
    const problem = sessionDurationProblem(input.requestedDuration);
    if (problem) throw new Invalid(`Requested session duration: ${problem}`, { requestedDuration: problem });
  }

  const roles = rolesFor(snapshot, effectiveGroups, target, input.issuer);
  const tags = sessionTagsFor(user.attributes, snapshot.tagRules);
  const identity: FederatedIdentity = {
    // the user id, not the username: persistent, non-PII (AWS logs the NameID in CloudTrail)
    subject: user.id,
    subjectFormat: NAMEID_PERSISTENT,
    issuer: input.issuer,
    roles,
    roleSessionName: roleSessionNameFor(user.username, user.id),
    principalTags: tags.principalTags,
    transitiveTagKeys: tags.transitiveTagKeys,
    groups: [...new Set(effectiveGroups.map((g) => g.name))].sort(compare),
    name: user.displayName ?? user.username,
    mfa: input.mfa || input.amr.includes("mfa"),
    authTime: new Date(Math.floor(input.authTime.getTime() / 1000) * 1000),
  };
  if (roles.length > 0) {
    identity.sessionDuration = sessionDurationFor(roles, input.requestedDuration);
    identity.sourceIdentity = sourceIdentityFor(user.username, user.id);
  }
  if (user.email) identity.email = user.email;
  return { identity, dropped: tags.dropped };
}

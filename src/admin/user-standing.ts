// Admin actions that take standing away from a user: a password reset, disabling, deleting (and
// resetMfa, mfa-reset.ts). Each ends everything the user holds, as Okta and Entra ID do: every web
// session and every OIDC grant with its refresh and access tokens, so an app holding a refresh
// token cannot go on refreshing. The pages, the JSON API and the CLI all come through here.
//
// The revocation runs inside the action's own transaction, not after its commit: the change and
// the revocation commit together or not at all (a reset password with live grants, or grants gone
// while the reset failed, cannot happen), and the action's one audit event carries the counts.
// Enabling a user ends nothing.
import { endAccess, type EndedEverywhere } from "../auth/index.ts";
import type { AlsoInTx, DirectoryUser } from "../directory/index.ts";
import type { Services } from "../services.ts";

type Deps = Pick<Services, "directory" | "auth" | "oidc">;

/** Ends the user's web sessions and OIDC grants in the transaction it is given; `ended` holds the counts after commit. */
export function endAccessIn(s: Pick<Services, "auth" | "oidc">, userId: string): { also: AlsoInTx; ended: EndedEverywhere } {
  const ending = {
    ended: { sessions: 0, grants: 0 },
    also: async (tx: Parameters<AlsoInTx>[0]) => {
      ending.ended = await endAccess({ sessions: s.auth.sessions, grants: s.oidc.consents }, userId, tx);
      return { ...ending.ended };
    },
  };
  return ending;
}

/** Set (or, with null, clear) the password. */
export async function resetPassword(s: Deps, userId: string, password: string | null, actor: string): Promise<EndedEverywhere> {
  const ending = endAccessIn(s, userId);
  await s.directory.setUserPassword(userId, password, actor, ending.also);
  return ending.ended;
}

export async function setDisabled(s: Deps, userId: string, version: number, disabled: boolean, actor: string): Promise<{ user: DirectoryUser; ended: EndedEverywhere }> {
  const ending = endAccessIn(s, userId);
  const user = await s.directory.setUserDisabled(userId, version, disabled, actor, disabled === true ? ending.also : undefined);
  return { user, ended: ending.ended };
}

export async function deleteUser(s: Deps, userId: string, version: number, actor: string): Promise<EndedEverywhere> {
  const ending = endAccessIn(s, userId);
  await s.directory.deleteUser(userId, version, actor, ending.also);
  return ending.ended;
}

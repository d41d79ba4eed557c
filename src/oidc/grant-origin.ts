// A grant is created from a web session (interactions.ts, consent). An action that ends the user's
// access (auth endAccess: epoch bump, sessions, then grants, one transaction) may commit between the
// request loading that session and the grant's INSERT; the grant must then not land, or the app
// would go on refreshing for someone whose access was just ended. oidc-provider's Grant.save()
// reaches the adapter without our request, so the consent runs it inside `savingFrom`, and the
// adapter's Grant upsert carries the check in the same statement (GRANT_FROM_SESSION).
import { AsyncLocalStorage } from "node:async_hooks";
import { Unauthenticated } from "../errors.ts";

export interface GrantOrigin {
  /** the web session's row key (SessionView.id) */
  sessionId: string;
}

const origin = new AsyncLocalStorage<GrantOrigin>();

export function savingFrom<T>(o: GrantOrigin, save: () => Promise<T>): Promise<T> {
  return origin.run(o, save);
}

export function grantOrigin(): GrantOrigin | undefined {
  return origin.getStore();
}

/**
 * The session still exists, is fully signed in, and was created under the user's current epoch.
 * FOR SHARE OF u: an ending transaction bumps the epoch first, so this waits for it and then sees
 * the epoch moved (the session row read from the older snapshot keeps the old one); had this
 * committed first, the ending's later DELETE of grants sees the row. $7 is the grant's account.
 */
export const GRANT_FROM_SESSION = `FROM web_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = $10 AND u.id::text = $7 AND NOT s.pending_mfa AND s.user_epoch = u.session_epoch AND NOT u.disabled
      FOR SHARE OF u`;

export function grantRefused(): Unauthenticated {
  return new Unauthenticated("This sign-in has ended: your account changed while you were signing in. Sign in again from the app.");
}

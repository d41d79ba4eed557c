// The upstream sign-in's state cookie holds the states of the browser's sign-ins in flight, newest
// first, so that two started in two tabs can both finish: each callback takes its own state out
// and leaves the others. At most MAX_PENDING are kept (an older one past that can no longer
// finish here; its row expires). States are 43 base64url characters, so "." can separate them.
import { isState, sameState } from "./login-states.ts";

export const MAX_PENDING = 3;

/** The well-formed states in a cookie value, newest first. */
export function pendingStates(cookie: string | undefined): string[] {
  return (cookie ?? "").split(".").filter(isState).slice(0, MAX_PENDING);
}

/** The cookie value after starting a sign-in with `state`. */
export function withState(cookie: string | undefined, state: string): string {
  return [state, ...pendingStates(cookie).filter((s) => s !== state)].slice(0, MAX_PENDING).join(".");
}

/**
 * The cookie's state equal to the one the upstream sent back (compared in constant time with each,
 * so the match's position leaks nothing), and the states left for the other tabs. Without a
 * match, `state` is the newest (the sign-in then fails as a mismatch) and nothing is removed.
 */
export function takeState(cookie: string | undefined, returned: unknown): { state: string | undefined; rest: string[] } {
  const states = pendingStates(cookie);
  let match: string | undefined;
  for (const s of states) if (sameState(s, typeof returned === "string" ? returned : undefined)) match = s;
  if (match === undefined) return { state: states[0], rest: states };
  return { state: match, rest: states.filter((s) => s !== match) };
}

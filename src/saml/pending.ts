// A validated AuthnRequest waiting for the user to sign in. It travels in the login page's
// return_to as a value sealed under the master key (AES-256-GCM, purpose-bound AAD), so no client
// data is trusted on the way back: the ACS is an index into the SP's registered URLs, and the
// whole value is authenticated and expires. No server-side row is needed for an anonymous visitor.
import type { CryptoBox } from "../keys/index.ts";
import { SealedValueError } from "../keys/index.ts";
import { SamlError } from "./errors.ts";

const AAD = "saml pending authn request v1";
/** long enough to sign in with MFA, short enough that a stale link dies */
export const PENDING_TTL_SECONDS = 900;

export interface PendingRequest {
  sp: string;
  acs: number;
  id: string;
  relayState?: string;
  forceAuthn: boolean;
  /** IsPassive: answer NoPassive rather than show a login page */
  isPassive?: boolean;
  /** ms since epoch: when we accepted the request (ForceAuthn needs a login after this) */
  at: number;
}

export function sealPending(box: CryptoBox, p: PendingRequest): string {
  return box.seal(JSON.stringify(p), AAD);
}

export function openPending(box: CryptoBox, sealed: unknown, now: Date): PendingRequest {
  const bad = () => new SamlError("Requester", "This sign-in link is invalid or has expired. Start again from the application.", { reason: "bad_resume", httpStatus: 400 });
  if (typeof sealed !== "string" || sealed.length > 4096) throw bad();
  let p: PendingRequest;
  try {
    p = JSON.parse(box.open(sealed, AAD).toString("utf8")) as PendingRequest;
  } catch (err) {
    if (err instanceof SealedValueError || err instanceof SyntaxError) throw bad();
    throw err;
  }
  if (typeof p.at !== "number" || now.getTime() - p.at > PENDING_TTL_SECONDS * 1000) throw bad();
  return p;
}

// TOTP (RFC 6238) with the parameters every authenticator app supports: SHA-1, 6 digits, 30 s.
// Verification accepts the current step and one either side (RFC 6238 §5.2 allows a small window
// for clock drift and typing time) and returns the matched step, so the caller can refuse replays.
import { Secret, TOTP } from "otpauth";

export const TOTP_PERIOD = 30;
const PARAMS = { algorithm: "SHA1", digits: 6, period: TOTP_PERIOD } as const;

/** A new 160-bit secret (RFC 4226 §4 recommends 160 bits), base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans (Key Uri Format). */
export function totpUri(secretBase32: string, issuer: string, account: string): string {
  return new TOTP({ ...PARAMS, issuer, label: account, secret: Secret.fromBase32(secretBase32) }).toString();
}

/** The time step a valid code belongs to, or null. */
export function matchTotp(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = new TOTP({ ...PARAMS, secret: Secret.fromBase32(secretBase32) });
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  return totp.counter({ timestamp: now.getTime() }) + delta;
}

/** The code for a time (tests, and nothing else, need to compute codes). */
export function totpAt(secretBase32: string, when: Date): string {
  return new TOTP({ ...PARAMS, secret: Secret.fromBase32(secretBase32) }).generate({ timestamp: when.getTime() });
}

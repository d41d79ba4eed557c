// SerialNumber + TokenCode (AssumeRole, GetSessionToken): both or neither; the device must be the
// IAM user's own and the code fresh. Success sets aws:MultiFactorAuthPresent.
import { StsErrors } from "../protocol/index.ts";
import type { Principal } from "../credentials/index.ts";
import type { StsDeps } from "./deps.ts";

export async function checkMfa(deps: StsDeps, p: Principal, serialNumber: string | undefined, tokenCode: string | undefined): Promise<boolean> {
  if (serialNumber === undefined && tokenCode === undefined) return false;
  if (serialNumber === undefined || tokenCode === undefined) {
    throw StsErrors.accessDenied("MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.");
  }
  const ok = p.iamUserName !== undefined && (await deps.iamUsers.verifyMfa(p.accountId, p.iamUserName, serialNumber, tokenCode, deps.now()));
  if (!ok) throw StsErrors.accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.");
  return true;
}

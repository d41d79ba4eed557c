// Checks on the signed metadata that need no secret, run before any credential lookup.
// - Scope (security.md §4.2): service must be `sts`, terminator `aws4_request`, the scope date
//   the X-Amz-Date day; any well-formed region is accepted and recorded. AWS reports all scope
//   faults at once as SignatureDoesNotMatch, one sentence each ("Credential should be scoped to
//   correct service: 'sts'. …" — wording of AWS's Coral front end).
// - Clock (security.md §0, §4.1): STS accepts X-Amz-Date within 15 minutes of its clock, and
//   words a failure "Signature expired: 20180703T083815Z is now earlier than 20180703T152801Z
//   (20180703T154301Z - 15 min.)" or "Signature not yet current: … is still later than … (… + 15 min.)".
import { StsErrors } from "../protocol/index.ts";
import type { SigV4Auth } from "./sigv4-auth.ts";

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const REGION = /^[a-z0-9-]{1,64}$/;

/** Parses ISO-8601 basic format; rejects impossible dates (20240230T…). */
export function parseAmzDate(amzDate: string): Date {
  const m = AMZ_DATE.exec(amzDate);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (formatAmzDate(date) === amzDate) return date;
  }
  throw StsErrors.incompleteSignature(`X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z', got '${amzDate}'.`);
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export function checkScope(auth: SigV4Auth, service: string): void {
  const { date, region, service: scoped, terminator } = auth.scope;
  const faults: string[] = [];
  if (!REGION.test(region)) faults.push(`Credential should be scoped to a valid region, not '${region}'.`);
  if (scoped !== service) faults.push(`Credential should be scoped to correct service: '${service}'.`);
  if (terminator !== "aws4_request") faults.push(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  if (date !== auth.amzDate.slice(0, 8)) {
    faults.push(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`);
  }
  if (faults.length > 0) throw StsErrors.signatureDoesNotMatch(faults.join(" "));
}

export function checkClock(signedAt: Date, now: Date, maxSkewMs: number): void {
  const minutes = Math.round(maxSkewMs / 60_000);
  if (signedAt.getTime() < now.getTime() - maxSkewMs) {
    throw StsErrors.signatureDoesNotMatch(
      `Signature expired: ${formatAmzDate(signedAt)} is now earlier than ${formatAmzDate(new Date(now.getTime() - maxSkewMs))} (${formatAmzDate(now)} - ${minutes} min.)`,
    );
  }
  if (signedAt.getTime() > now.getTime() + maxSkewMs) {
    throw StsErrors.signatureDoesNotMatch(
      `Signature not yet current: ${formatAmzDate(signedAt)} is still later than ${formatAmzDate(new Date(now.getTime() + maxSkewMs))} (${formatAmzDate(now)} + ${minutes} min.)`,
    );
  }
}

// Deterministically generated FederatedIdentity values for codec round-trip tests: many roles or
// none, tags at AWS's limits, unicode tag values, with and without source identity and duration.
import type { FederatedIdentity } from "../../src/claims/index.ts";
import { NAMEID_PERSISTENT } from "../../src/claims/index.ts";

/** mulberry32: a tiny seeded PRNG, so a failing case is reproducible from its index. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-";
const TAG_CHARS = "abcXYZ019_.:/=+-@ äöü日本";

export function generateIdentity(index: number, issuer = "http://localhost:4000"): FederatedIdentity {
  const rnd = prng(index + 1);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = (chars: string, len: number) => Array.from({ length: len }, () => chars[int(0, chars.length - 1)]).join("");
  const account = String(int(100000000000, 999999999999));
  const roleCount = index % 7 === 0 ? 0 : int(1, 12);
  const roles = Array.from({ length: roleCount }, (_, i) => ({
    roleArn: `arn:aws:iam::${account}:role/${i % 3 === 0 ? "team/" : ""}R${i}-${pick("abcXYZ019", int(1, 20))}`,
    providerArn: `arn:aws:iam::${account}:saml-provider/idp-${pick("abc", 3)}`,
    maxSessionDuration: int(1, 12) * 3600,
  })).sort((a, b) => a.roleArn.localeCompare(b.roleArn));
  const tagCount = roleCount === 0 ? 0 : index % 11 === 0 ? 50 : int(0, 6);
  const principalTags: Record<string, string> = {};
  for (let i = 0; i < tagCount; i++) {
    const key = `K${i}${pick("abcXYZ_.:/=+-@", int(0, index % 13 === 0 ? 120 : 10))}`;
    principalTags[key] = pick(TAG_CHARS, int(0, index % 17 === 0 ? 256 : 20));
  }
  const keys = Object.keys(principalTags).sort();
  const transitiveTagKeys = keys.filter(() => rnd() < 0.4);
  const name = pick(NAME_CHARS, int(2, 64));
  return {
    subject: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    subjectFormat: NAMEID_PERSISTENT,
    issuer,
    roles,
    ...(roleCount > 0 ? { sessionDuration: int(900, 43200), sourceIdentity: /^aws:/i.test(name) ? `u${name}`.slice(0, 64) : name } : {}),
    roleSessionName: name,
    principalTags,
    transitiveTagKeys,
    groups: Array.from({ length: int(0, 5) }, (_, i) => `group-${i}`),
    email: index % 5 === 0 ? undefined : `user${index}@example.com`,
    name: `User <${index}> & "friends"`,
    mfa: index % 2 === 0,
    authTime: new Date(Date.UTC(2026, 10, 24, 10, 0, index % 60)),
  };
}

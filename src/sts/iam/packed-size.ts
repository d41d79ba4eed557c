// PackedPolicySize: "An AWS conversion compresses the passed inline session policy, managed policy
// ARNs, and session tags into a packed binary format that has a separate limit … PackedPolicySize
// indicates by percentage how close the policies and tags for your request are to the upper size
// limit" (STS API reference, AssumeRole). AWS does not document the packing.
//
// THIS IS AN APPROXIMATION. We take the minified policies, the policy ARNs and the tags
// ("key=value" lines, then transitive keys), compress them with zlib deflateRaw (level 9) primed
// with a preset dictionary of common IAM policy text (AWS's binary format also encodes the grammar
// compactly), and report ceil(100 × compressedBytes / PACKED_POLICY_LIMIT_BYTES). The limit is
// calibrated so that a 2,048-character minified policy of typical content (ten statements mixing
// S3, DynamoDB, logs, KMS ARNs and conditions; see test/unit/sts/iam/packed-size.test.ts) comes to
// about 100 %; AWS's own example (a one-statement policy and two tags) gives ~10 % here where AWS
// reports 6 %. Callers reject requests over 100 % with PackedPolicyTooLarge (sts.md §1.4).
import { deflateRawSync } from "node:zlib";
import { MalformedPolicyDocument } from "./errors.ts";
import { SYNTAX } from "./parse-values.ts";

export const PACKED_POLICY_LIMIT_BYTES = 660;

const DICTIONARY = Buffer.from(
  [
    '{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Effect":"Deny",',
    '"Principal":{"AWS":"arn:aws:iam::","Federated":"","Service":"amazonaws.com"},"NotPrincipal":',
    '"Action":["sts:AssumeRole","s3:GetObject","s3:PutObject","s3:ListBucket"],"NotAction":',
    '"Resource":["arn:aws:s3:::","arn:aws:"],"NotResource":"*"',
    '"Condition":{"StringEquals":{"aws:PrincipalTag/","aws:RequestTag/","aws:ResourceTag/","aws:SourceIp","aws:username"},"StringLike":{}',
    '"StringNotEquals","ForAnyValue:","ForAllValues:","IfExists","ArnLike","ArnEquals","Bool":{"aws:MultiFactorAuthPresent":"true"},',
    '"IpAddress","NotIpAddress","DateGreaterThan","DateLessThan","NumericLessThan","Null":{}}}]}',
  ].join(""),
);

export interface PackedPolicyInput {
  /** inline session policies: JSON text or objects */
  policies?: (string | object)[];
  /** managed session policy ARNs (PolicyArns) */
  policyArns?: string[];
  /** session tags */
  tags?: Record<string, string> | { key: string; value: string }[];
  transitiveTagKeys?: string[];
}

/** The approximate PackedPolicySize percentage (0 when nothing is passed). */
export function packedPolicySize(input: PackedPolicyInput): number {
  const tags = Array.isArray(input.tags) ? input.tags.map((t) => [t.key, t.value] as const) : Object.entries(input.tags ?? {});
  const lines = [
    ...(input.policies ?? []).map(minify),
    ...(input.policyArns ?? []),
    ...tags.map(([k, v]) => `${k}=${v}`),
    ...(input.transitiveTagKeys ?? []),
  ];
  if (lines.length === 0) return 0;
  const text = lines.join("\n");
  let size = sizeByText.get(text);
  if (size === undefined) {
    size = Math.ceil((100 * deflateRawSync(Buffer.from(text), { level: 9, dictionary: DICTIONARY }).length) / PACKED_POLICY_LIMIT_BYTES);
    if (text.length <= MEMO_MAX_CHARS) {
      if (sizeByText.size >= MEMO_MAX_ENTRIES) sizeByText.clear();
      sizeByText.set(text, size);
    }
  }
  return size;
}

// Every session from one ID token or assertion carries the same tags, and level-9 deflate was
// ~3 % of an AssumeRoleWithWebIdentity: short inputs' sizes are remembered (≤ 1,000 × 1 KB).
const sizeByText = new Map<string, number>();
const MEMO_MAX_CHARS = 1024;
const MEMO_MAX_ENTRIES = 1000;

function minify(policy: string | object): string {
  if (typeof policy !== "string") return JSON.stringify(policy);
  try {
    return JSON.stringify(JSON.parse(policy));
  } catch {
    throw new MalformedPolicyDocument(SYNTAX);
  }
}

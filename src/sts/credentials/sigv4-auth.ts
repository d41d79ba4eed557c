// Extracts the SigV4 authentication of an awsQuery request, in either form:
//   header: Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request,
//           SignedHeaders=host;x-amz-date, Signature=<64 hex>   (+ X-Amz-Date, X-Amz-Security-Token)
//   query:  X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature
//           (+ X-Amz-Expires, X-Amz-Security-Token) — presigned URLs, e.g. EKS-style tokens.
// Rules (security.md §4):
// - neither form → MissingAuthenticationToken; both → IncompleteSignature ("only one auth
//   mechanism"); the algorithm token must be exactly AWS4-HMAC-SHA256 (§4.3).
// - `host` must be signed (AWS: "'Host' or ':authority' must be a 'SignedHeader'…"); in the
//   header form `x-amz-date` and a present `x-amz-security-token` must be signed too (§4.4);
//   duplicate signed headers are rejected.
// - only X-Amz-Date dates a request: the `Date` header is not supported (SDKs never rely on it).
import { StsErrors } from "../protocol/index.ts";
import type { SignableRequest } from "../protocol/index.ts";

export const ALGORITHM = "AWS4-HMAC-SHA256";

export interface SigV4Auth {
  form: "header" | "query";
  accessKeyId: string;
  /** the four scope elements after the access key id, unchecked */
  scope: { date: string; region: string; service: string; terminator: string };
  /** lower-case names as the client listed them */
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date as sent (ISO-8601 basic, e.g. 20240101T000000Z) */
  amzDate: string;
  sessionToken?: string;
  /** presigned only: X-Amz-Expires in seconds */
  expires?: number;
}

/** Decoded query pairs (RFC 3986 decoding: "+" stays "+"), in order. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>;

const QUERY_AUTH = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"];
const QUERY_REQUIRED = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"];

export function extractAuth(req: SignableRequest, query: QueryPairs): SigV4Auth {
  const header = req.headers.authorization;
  const hasQuery = query.some(([k]) => QUERY_AUTH.includes(k));
  if (header !== undefined && hasQuery) {
    throw StsErrors.incompleteSignature(
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    );
  }
  if (header !== undefined) return fromHeader(header, req.headers);
  if (hasQuery) return fromQuery(query);
  throw StsErrors.missingAuthenticationToken();
}

function fromHeader(header: string, headers: SignableRequest["headers"]): SigV4Auth {
  const m = /^(\S+)(?:\s+(.*))?$/s.exec(header.trim());
  const algorithm = m?.[1] ?? "";
  if (algorithm !== ALGORITHM) throw StsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'. Use ${ALGORITHM}.`);
  const parts = new Map<string, string>();
  for (const item of (m?.[2] ?? "").split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    if (parts.has(key)) throw StsErrors.incompleteSignature(`Authorization header has more than one '${key}' parameter.`);
    parts.set(key, item.slice(eq + 1).trim());
  }
  const amzDate = headers["x-amz-date"];
  const missing = [
    ...["Credential", "Signature", "SignedHeaders"].filter((k) => !parts.get(k)).map((k) => `Authorization header requires '${k}' parameter.`),
    ...(amzDate ? [] : ["Authorization header requires existence of a 'X-Amz-Date' header."]),
  ];
  if (missing.length > 0) throw StsErrors.incompleteSignature(missing.join(" "));

  const signedHeaders = parseSignedHeaders(parts.get("SignedHeaders")!);
  mustSign(signedHeaders, "x-amz-date", "X-Amz-Date");
  const sessionToken = headers["x-amz-security-token"];
  if (sessionToken !== undefined) mustSign(signedHeaders, "x-amz-security-token", "X-Amz-Security-Token");
  return { form: "header", ...parseCredential(parts.get("Credential")!), signedHeaders, signature: parts.get("Signature")!, amzDate: amzDate!, sessionToken };
}

function fromQuery(query: QueryPairs): SigV4Auth {
  const get = (name: string) => query.find(([k]) => k === name)?.[1];
  if (QUERY_REQUIRED.some((k) => !get(k))) {
    throw StsErrors.incompleteSignature(
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    );
  }
  for (const k of QUERY_REQUIRED) {
    if (query.filter(([name]) => name === k).length > 1) throw StsErrors.incompleteSignature(`Query-string parameter '${k}' is given more than once.`);
  }
  const algorithm = get("X-Amz-Algorithm")!;
  if (algorithm !== ALGORITHM) throw StsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'. Use ${ALGORITHM}.`);
  const rawExpires = get("X-Amz-Expires");
  // SigV4 allows 1 s … 7 days; STS itself ignores the value (see sigv4.ts), but it is signed
  if (rawExpires !== undefined && !/^[1-9]\d{0,5}$/.test(rawExpires)) {
    throw StsErrors.incompleteSignature("X-Amz-Expires must be a whole number of seconds between 1 and 604800.");
  }
  const expires = rawExpires === undefined ? undefined : Number(rawExpires);
  if (expires !== undefined && expires > 604800) {
    throw StsErrors.incompleteSignature("X-Amz-Expires must be a whole number of seconds between 1 and 604800.");
  }
  return {
    form: "query",
    ...parseCredential(get("X-Amz-Credential")!),
    signedHeaders: parseSignedHeaders(get("X-Amz-SignedHeaders")!),
    signature: get("X-Amz-Signature")!,
    amzDate: get("X-Amz-Date")!,
    sessionToken: get("X-Amz-Security-Token"),
    expires,
  };
}

function parseCredential(credential: string): Pick<SigV4Auth, "accessKeyId" | "scope"> {
  const parts = credential.split("/");
  if (parts.length !== 5 || !parts[0]) {
    throw StsErrors.incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'.`);
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, scope: { date, region, service, terminator } };
}

function parseSignedHeaders(list: string): string[] {
  const names = list.split(";");
  if (names.some((n) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(n))) {
    throw StsErrors.incompleteSignature("SignedHeaders must be a ';'-separated list of lower-case header names.");
  }
  if (new Set(names).size !== names.length) throw StsErrors.incompleteSignature("SignedHeaders lists a header more than once.");
  mustSign(names, "host", "Host");
  return names;
}

function mustSign(signed: readonly string[], name: string, display: string): void {
  if (!signed.includes(name)) {
    throw StsErrors.incompleteSignature(
      name === "host" ? "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." : `'${display}' must be a 'SignedHeader' in the AWS Authorization.`,
    );
  }
}

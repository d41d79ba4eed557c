// Recomputes the signature a client should have sent, with @smithy/signature-v4 (the signer the
// AWS SDKs use) doing canonical request, string to sign and key derivation — nothing hand-rolled
// (security.md §4.5: canonicalize from the raw request-target and raw body).
// - path: the raw, still-encoded path; smithy normalizes dot segments and encodes it again,
//   the non-S3 SigV4 rule.
// - query: every raw pair, percent-decoded (no "+" → space), repeats kept in order; smithy
//   re-encodes per RFC 3986, sorts, and leaves X-Amz-Signature out.
// - headers: exactly the signed ones, in the request's values (repeats already joined by ",").
// - payload: SHA-256 of the raw body bytes; an `x-amz-content-sha256` header must equal it
//   (UNSIGNED-PAYLOAD is for S3 only; security.md §4.6).
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4, createScope, getCanonicalHeaders, getPayloadHash } from "@smithy/signature-v4";
import { StsErrors } from "../protocol/index.ts";
import type { SignableRequest } from "../protocol/index.ts";
import { ALGORITHM, type QueryPairs, type SigV4Auth } from "./sigv4-auth.ts";

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** node:crypto SHA-256 / HMAC-SHA-256 in the shape smithy's signer expects. */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(this.secret));
  }
}

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Query pairs as received; a malformed %-escape is kept verbatim (the signature then fails). */
export function parseRawQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === "") return [];
  return rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Hex SHA-256 of the body, after checking any x-amz-content-sha256 the client sent. */
export async function payloadHash(req: SignableRequest): Promise<string> {
  const hash = await getPayloadHash({ method: req.method, protocol: "https:", hostname: "", path: req.path, query: {}, headers: {}, body: req.body }, NodeSha256);
  const claimed = req.headers["x-amz-content-sha256"];
  if (claimed !== undefined && claimed.toLowerCase() !== hash) {
    throw StsErrors.signatureDoesNotMatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return hash;
}

/** Exposes the protected canonical-request steps of smithy's signer; signing itself stays smithy's. */
class VerifyingSigner extends SignatureV4 {
  async expected(req: SignableRequest, query: QueryPairs, auth: SigV4Auth, signedAt: Date, hash: string): Promise<string> {
    const request = {
      method: req.method,
      protocol: "https:",
      hostname: req.headers.host ?? "",
      path: req.path,
      query: toQueryBag(query),
      headers: pick(req.headers, auth.signedHeaders),
    };
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(auth.signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, hash);
    const scope = createScope(auth.scope.date, auth.scope.region, this.service);
    const stringToSign = await this.createStringToSign(auth.amzDate, scope, canonicalRequest, ALGORITHM);
    return this.sign(stringToSign, { signingDate: signedAt, signingRegion: auth.scope.region, signingService: this.service });
  }
}

export function expectedSignature(
  args: { req: SignableRequest; query: QueryPairs; auth: SigV4Auth; signedAt: Date; payloadHash: string; secretAccessKey: string; service: string },
): Promise<string> {
  const signer = new VerifyingSigner({
    service: args.service,
    region: args.auth.scope.region,
    credentials: { accessKeyId: args.auth.accessKeyId, secretAccessKey: args.secretAccessKey },
    sha256: NodeSha256,
    applyChecksum: false,
  });
  return signer.expected(args.req, args.query, args.auth, args.signedAt, args.payloadHash);
}

function toQueryBag(pairs: QueryPairs): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of pairs) {
    const prev = bag[k];
    if (prev === undefined) bag[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else bag[k] = [prev, v];
  }
  return bag;
}

function pick(headers: SignableRequest["headers"], names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) throw StsErrors.signatureDoesNotMatch();
    out[name] = value;
  }
  return out;
}

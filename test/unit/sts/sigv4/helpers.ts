// Signs requests the way AWS clients do (@smithy/signature-v4, with a hash written here rather
// than the verifier's), and turns them into the SignableRequest the verifier sees.
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SignableRequest } from "../../../../src/sts/protocol/index.ts";

export const NOW = new Date("2026-03-04T05:06:07Z");
export const HOST = "sts.example.test:4000";
export const BODY = "Action=GetCallerIdentity&Version=2011-06-15";

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Unsigned {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
}

class TestSha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}
const sha256 = TestSha256 as unknown as ConstructorParameters<typeof SignatureV4>[0]["sha256"];

export function signer(keys: Keys, opts: { region?: string; service?: string } = {}): SignatureV4 {
  return new SignatureV4({ service: opts.service ?? "sts", region: opts.region ?? "us-east-1", credentials: keys, sha256, applyChecksum: false });
}

function request(u: Unsigned) {
  return {
    method: u.method ?? "POST",
    protocol: "https:",
    hostname: HOST.split(":")[0]!,
    port: 4000,
    path: u.path ?? "/",
    query: u.query ?? {},
    headers: { host: HOST, "content-type": "application/x-www-form-urlencoded; charset=utf-8", ...u.headers },
    body: u.body ?? (u.method === "GET" ? undefined : BODY),
  };
}

/** Authorization-header form, as SDK clients send it. */
export async function signHeaderForm(
  keys: Keys,
  u: Unsigned = {},
  opts: { signingDate?: Date; region?: string; service?: string; signableHeaders?: Set<string> } = {},
): Promise<SignableRequest> {
  const signed = await signer(keys, opts).sign(request(u), { signingDate: opts.signingDate ?? NOW, signableHeaders: opts.signableHeaders });
  return toSignable(signed.method, signed.path, signed.query as Record<string, string | string[]>, signed.headers, u.body ?? (u.method === "GET" ? "" : BODY));
}

/** Presigned-URL form (X-Amz-* in the query), as EKS-style token generators build it. */
export async function presign(
  keys: Keys,
  u: Unsigned = {},
  opts: { signingDate?: Date; expiresIn?: number; region?: string } = {},
): Promise<SignableRequest> {
  const base = request({ method: "GET", query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, ...u });
  delete (base.headers as Record<string, string>)["content-type"];
  const signed = await signer(keys, opts).presign(base, { signingDate: opts.signingDate ?? NOW, expiresIn: opts.expiresIn ?? 60 });
  return toSignable(signed.method, signed.path, signed.query as Record<string, string | string[]>, signed.headers, "");
}

export function encodeQuery(query: Record<string, string | string[]>): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`))
    .join("&");
}

export function toSignable(method: string, path: string, query: Record<string, string | string[]>, headers: Record<string, string>, body: string): SignableRequest {
  return {
    method,
    path,
    rawQuery: encodeQuery(query),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(body),
  };
}

/** A copy with some headers replaced (undefined removes one). */
export function withHeaders(req: SignableRequest, changes: Record<string, string | undefined>): SignableRequest {
  const headers: Record<string, string> = { ...req.headers };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return { ...req, headers };
}

export function withQuery(req: SignableRequest, change: (q: URLSearchParams) => void): SignableRequest {
  const q = new URLSearchParams(req.rawQuery);
  change(q);
  return { ...req, rawQuery: q.toString().replace(/\+/g, "%20") };
}

export const minutes = (n: number) => n * 60_000;
export const at = (ms: number) => new Date(NOW.getTime() + ms);

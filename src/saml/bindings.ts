// Reading SAML protocol messages off the two bindings we support (SAML Bindings §3.4, §3.5):
// - HTTP-Redirect: GET, DEFLATE + base64 in the query, the signature (if any) over the raw query
//   octets "SAMLRequest=…&RelayState=…&SigAlg=…" exactly as sent;
// - HTTP-POST: an urlencoded form, base64 XML (not deflated), the signature enveloped in the XML.
// Size caps and DOCTYPE refusal happen here, before any XML parser sees the bytes.
// Sending by HTTP-Redirect (signedRedirectUrl) is here too, next to its verifier: both must agree
// on the octets. The signature is node:crypto's RSA-SHA256 over those octets; nothing else is
// needed (no XML signature: Bindings §3.4.4.1 forbids one inside a Redirect-binding message).
import express, { type Request, type RequestHandler } from "express";
import { createSign, createVerify, type KeyObject } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { SamlError } from "./errors.ts";
import { ALG, toPem } from "./signing.ts";
import { MAX_BASE64_CHARS, decodeBase64, inflateLimited } from "./xml.ts";

export type Binding = "redirect" | "post";
export type MessageParam = "SAMLRequest" | "SAMLResponse";

export interface IncomingMessage {
  binding: Binding;
  param: MessageParam;
  xml: string;
  relayState?: string;
  /** HTTP-Redirect signature, still to be verified against the sender's certificates */
  redirectSignature?: { sigAlg: string; signature: Buffer; signedOctets: string };
}

export const REDIRECT_SIG_ALGS: Record<string, string> = { [ALG.rsaSha256]: "RSA-SHA256", [ALG.rsaSha512]: "RSA-SHA512" };
/** SAML Bindings §3.4.3 says 80 bytes; SPs send more in practice, so allow some, not unbounded. */
export const MAX_RELAY_STATE = 1024;

/** POST form parser for SAML endpoints: oversize and malformed bodies become SAML errors. */
const urlencoded = express.urlencoded({ extended: false, limit: `${MAX_BASE64_CHARS * 2}b`, parameterLimit: 10 });
export const samlFormBody: RequestHandler = (req, res, next) => {
  urlencoded(req, res, (err?: unknown) => {
    if (!err) return next();
    const tooLarge = (err as { type?: string }).type === "entity.too.large";
    next(new SamlError("Requester", tooLarge ? "The SAML message is too large." : "The SAML form could not be read.", { reason: tooLarge ? "oversized" : "malformed", httpStatus: tooLarge ? 413 : 400 }));
  });
};

export function readMessage(req: Request, param: MessageParam): IncomingMessage {
  if (req.method === "GET") return readRedirect(req, param);
  if (req.method === "POST") return readPost(req, param);
  throw new SamlError("Requester", "Only HTTP-Redirect (GET) and HTTP-POST are supported.", { reason: "unsupported_binding", sub: "UnsupportedBinding", httpStatus: 405 });
}

function readRedirect(req: Request, param: MessageParam): IncomingMessage {
  const q = rawQuery(req.originalUrl);
  const raw = (name: string) => q.get(name);
  const value = (name: string) => {
    const r = raw(name);
    return r === undefined ? undefined : decodeQueryValue(r, name);
  };
  const encoded = raw(param);
  if (encoded === undefined) throw new SamlError("Requester", `${param} is missing.`, { reason: "missing" });
  const xml = inflateLimited(decodeBase64(value(param), param), param);
  const relayState = relay(value("RelayState"));
  const sigAlg = value("SigAlg");
  const signature = value("Signature");
  let redirectSignature: IncomingMessage["redirectSignature"];
  if (sigAlg !== undefined || signature !== undefined) {
    if (sigAlg === undefined || signature === undefined) throw new SamlError("Requester", "SigAlg and Signature must be sent together.", { reason: "bad_signature", sub: "RequestDenied" });
    // the signed octets are the parameters as they appear in the URL, in this order (§3.4.4.1)
    const relayRaw = raw("RelayState");
    const signedOctets = `${param}=${encoded}${relayRaw !== undefined ? `&RelayState=${relayRaw}` : ""}&SigAlg=${raw("SigAlg")}`;
    redirectSignature = { sigAlg, signature: decodeBase64(signature, "Signature"), signedOctets };
  }
  return { binding: "redirect", param, xml, relayState, redirectSignature };
}

function readPost(req: Request, param: MessageParam): IncomingMessage {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const v = body[param];
  if (Array.isArray(v)) throw new SamlError("Requester", `${param} was sent more than once.`, { reason: "malformed" });
  const bytes = decodeBase64(v, param);
  // The POST binding carries plain XML; some SP libraries (node-saml among them) deflate it
  // anyway. Accept that too, with the same inflate cap as the Redirect binding.
  const xml = /^\s*</.test(bytes.subarray(0, 64).toString("latin1")) ? bytes.toString("utf8") : inflateLimited(bytes, param);
  const rs = body.RelayState;
  if (rs !== undefined && typeof rs !== "string") throw new SamlError("Requester", "RelayState was sent more than once.", { reason: "malformed" });
  return { binding: "post", param, xml, relayState: relay(rs) };
}

function relay(v: string | undefined): string | undefined {
  if (v === undefined || v === "") return undefined;
  if (v.length > MAX_RELAY_STATE) throw new SamlError("Requester", `RelayState is longer than ${MAX_RELAY_STATE} characters.`, { reason: "oversized" });
  return v;
}

/** The query string's raw (still percent-encoded) values; a repeated parameter is refused. */
function rawQuery(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const qs = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  if (qs.length > MAX_BASE64_CHARS * 3 + 8192) throw new SamlError("Requester", "The query string is too long.", { reason: "oversized", httpStatus: 414 });
  for (const part of qs.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    if (out.has(name)) throw new SamlError("Requester", `The query parameter ${name.slice(0, 40)} appears more than once.`, { reason: "malformed" });
    out.set(name, eq < 0 ? "" : part.slice(eq + 1));
  }
  return out;
}

function decodeQueryValue(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    throw new SamlError("Requester", `The query parameter ${name} is not valid percent-encoding.`, { reason: "malformed" });
  }
}

/** Verifies an HTTP-Redirect signature with any of the sender's certificates. */
export function verifyRedirectSignature(sig: NonNullable<IncomingMessage["redirectSignature"]>, certificates: readonly string[]): void {
  const alg = REDIRECT_SIG_ALGS[sig.sigAlg];
  // samlify < 2.13 fell back to SHA-1 for an unknown SigAlg: an allow-list, nothing else
  if (!alg) throw new SamlError("Requester", "The SigAlg is not RSA-SHA256 or RSA-SHA512.", { reason: "bad_signature", sub: "RequestDenied" });
  for (const cert of certificates) {
    try {
      if (createVerify(alg).update(sig.signedOctets).verify(toPem(cert), sig.signature)) return;
    } catch {
      // a malformed certificate or signature simply does not verify
    }
  }
  throw new SamlError("Requester", "The request signature does not verify with the SP's registered certificate(s).", { reason: "bad_signature", sub: "RequestDenied" });
}

/**
 * `location` with the message deflated and signed per the HTTP-Redirect binding (Bindings
 * §3.4.4.1): the signature is over the octets "<param>=…&RelayState=…&SigAlg=…" exactly as they
 * appear in the URL, so the query is built by hand (URL.searchParams could re-encode it).
 */
export function signedRedirectUrl(location: string, param: MessageParam, xml: string, privateKey: KeyObject, relayState?: string): string {
  const enc = encodeURIComponent;
  let q = `${param}=${enc(deflateRawSync(Buffer.from(xml, "utf8")).toString("base64"))}`;
  if (relayState) q += `&RelayState=${enc(relayState)}`;
  q += `&SigAlg=${enc(ALG.rsaSha256)}`;
  const signature = createSign("RSA-SHA256").update(q).sign(privateKey).toString("base64");
  return `${location}${location.includes("?") ? "&" : "?"}${q}&Signature=${enc(signature)}`;
}

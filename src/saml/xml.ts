// Safe XML in and out for the SAML module.
// In: size caps before anything else, a hard refusal of DOCTYPE (so no entity, external DTD or
// billion-laughs can reach a parser), bounded raw-inflate for the Redirect binding (deflate bombs),
// and a DOM parser whose every warning is fatal. Out: one escaping function for text and attribute
// values, so user-controlled data can never become markup (samlify CVE-2026-46490 class).
import { inflateRawSync } from "node:zlib";
import { DOMParser } from "@xmldom/xmldom";
import { SamlError } from "./errors.ts";

/** Largest base64 message we accept (AWS's own SAMLAssertion limit is 100,000 characters). */
export const MAX_BASE64_CHARS = 100_000;
/** Largest XML we parse, after base64 and inflate. */
export const MAX_XML_BYTES = 256 * 1024;
/** Deeper nesting than any SAML message needs; deep trees are a parser DoS (xmldom GHSA-2v35). */
const MAX_DEPTH = 64;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" };

/** Escapes for element text and attribute values alike; drops characters XML 1.0 forbids. */
export function esc(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "").replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}

/** base64 → bytes, refusing oversized or non-base64 input before decoding. */
export function decodeBase64(value: unknown, what: string): Buffer {
  if (typeof value !== "string" || value.length === 0) throw new SamlError("Requester", `${what} is missing.`, { reason: "missing" });
  if (value.length > MAX_BASE64_CHARS) throw new SamlError("Requester", `${what} is larger than ${MAX_BASE64_CHARS} characters.`, { reason: "oversized" });
  const compact = value.replace(/[\r\n\t ]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new SamlError("Requester", `${what} is not base64.`, { reason: "malformed" });
  return Buffer.from(compact, "base64");
}

/** Redirect binding: raw DEFLATE, inflated with a hard output cap (deflate bombs stop at the cap). */
export function inflateLimited(data: Buffer, what: string): string {
  try {
    return inflateRawSync(data, { maxOutputLength: MAX_XML_BYTES }).toString("utf8");
  } catch (err) {
    const tooBig = (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || /maxOutputLength|too large/i.test(String((err as Error).message));
    throw new SamlError("Requester", tooBig ? `${what} inflates to more than ${MAX_XML_BYTES} bytes.` : `${what} is not DEFLATE-compressed.`, {
      reason: tooBig ? "deflate_bomb" : "malformed",
    });
  }
}

/**
 * Parses a SAML message. Refuses before parsing: anything over the size cap, any DOCTYPE (DTDs,
 * entities, external subsets), and non-UTF-8 text; then any parser warning or error, more than one
 * root, and trees deeper than any SAML message needs.
 */
export function parseXml(xml: string, what: string): Document {
  if (Buffer.byteLength(xml, "utf8") > MAX_XML_BYTES) throw new SamlError("Requester", `${what} is larger than ${MAX_XML_BYTES} bytes.`, { reason: "oversized" });
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlError("Requester", `${what} contains a DOCTYPE or entity declaration, which SAML forbids.`, { reason: "doctype" });
  if (xml.includes("\ufffd")) throw new SamlError("Requester", `${what} is not valid UTF-8.`, { reason: "malformed" });
  const fail = (msg: string) => {
    throw new SamlError("Requester", `${what} is not well-formed XML.`, { reason: "malformed", detail: String(msg).slice(0, 200) });
  };
  let doc: Document;
  try {
    doc = new DOMParser({ locator: {}, errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, "text/xml") as unknown as Document;
  } catch (err) {
    if (err instanceof SamlError) throw err;
    throw new SamlError("Requester", `${what} is not well-formed XML.`, { reason: "malformed" });
  }
  const roots = Array.from(doc.childNodes as unknown as ArrayLike<Node>).filter((n) => n.nodeType === 1);
  if (!doc.documentElement || roots.length !== 1) throw new SamlError("Requester", `${what} must have exactly one root element.`, { reason: "malformed" });
  if (depth(doc.documentElement) > MAX_DEPTH) throw new SamlError("Requester", `${what} is nested too deeply.`, { reason: "malformed" });
  return doc;
}

function depth(root: Element): number {
  // iterative: a recursive walk is the stack-exhaustion bug we are guarding against
  let max = 0;
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [node, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    for (let c = node.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) stack.push([c, d + 1]);
  }
  return max;
}

export const NS = {
  samlp: "urn:oasis:names:tc:SAML:2.0:protocol",
  saml: "urn:oasis:names:tc:SAML:2.0:assertion",
  ds: "http://www.w3.org/2000/09/xmldsig#",
  md: "urn:oasis:names:tc:SAML:2.0:metadata",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
} as const;

/** Direct element children with this namespace and local name. */
export function children(parent: Element | Document, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === local) out.push(c as Element);
  }
  return out;
}

/** The only such child, or undefined; a repeated element is a malformed message. */
export function child(parent: Element, ns: string, local: string, what: string): Element | undefined {
  const found = children(parent, ns, local);
  if (found.length > 1) throw new SamlError("Requester", `${what} has more than one ${local} element.`, { reason: "malformed" });
  return found[0];
}

/** Text content, refusing child elements (comments and CDATA are joined in, as exc-c14n sees them). */
export function textOf(el: Element): string {
  let s = "";
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3 || c.nodeType === 4) s += (c as CharacterData).data;
    else if (c.nodeType === 1) throw new SamlError("Requester", `${el.localName} must contain text only.`, { reason: "malformed" });
  }
  return s;
}

export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name)! : undefined;
}

/** A SAML ID (xs:ID is an NCName): 1–256 characters, starting with a letter or underscore. */
export function isSamlId(v: string | undefined): v is string {
  return typeof v === "string" && /^[A-Za-z_][\w.-]{0,255}$/.test(v);
}

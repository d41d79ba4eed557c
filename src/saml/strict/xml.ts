// Safe XML intake for SAML responses (security.md §1.6), shared by the STS (AssumeRoleWithSAML)
// and the upstream SAML sign-in: base64 with a size cap, any DOCTYPE or
// entity declaration refused before a parser sees the text, and every xmldom complaint fatal
// (multiple roots, malformed markup). Namespaces and small DOM helpers live here too.
import { createRequire } from "node:module";
import { rejectInvalid } from "./rejected.ts";

// The minimal DOM this module reads. @xmldom/xmldom's typings pull in TypeScript's "dom" lib,
// whose WebCrypto types clash with node:crypto's in the rest of the program, so the parser is
// loaded untyped and described here.
export interface XNode {
  nodeType: number;
  firstChild: XNode | null;
  nextSibling: XNode | null;
  parentNode: XNode | null;
  textContent: string | null;
}
export interface XElement extends XNode {
  namespaceURI: string | null;
  localName: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  getElementsByTagNameNS(ns: string, local: string): ArrayLike<XElement>;
}
export interface XDocument extends XNode {
  documentElement: XElement | null;
  getElementsByTagNameNS(ns: string, local: string): ArrayLike<XElement>;
}
type ErrorFn = (msg: string) => void;
const { DOMParser } = createRequire(import.meta.url)("@xmldom/xmldom") as {
  DOMParser: new (opts: { errorHandler: { warning: ErrorFn; error: ErrorFn; fatalError: ErrorFn } }) => {
    parseFromString(xml: string, type: string): XDocument;
  };
};

export const NS = {
  samlp: "urn:oasis:names:tc:SAML:2.0:protocol",
  saml: "urn:oasis:names:tc:SAML:2.0:assertion",
  ds: "http://www.w3.org/2000/09/xmldsig#",
} as const;

/** 100,000 base64 characters (the model's maximum) decode to at most 75,000 bytes. */
const MAX_XML_BYTES = 75_000;

const invalid = (msg: string) => rejectInvalid("malformed", msg);

export function decodeSamlResponse(base64: string): string {
  const compact = base64.includes("\n") || base64.includes("\r") ? base64.replace(/[\r\n]/g, "") : base64;
  const bytes = Buffer.from(compact, "base64");
  if (compact.length === 0 || !isCanonicalBase64(compact, bytes)) throw invalid("Invalid SAML response: not base64.");
  if (bytes.length > MAX_XML_BYTES) throw invalid("Invalid SAML response: too large.");
  const xml = bytes.toString("utf8");
  // DTDs enable entity expansion, external fetches and parser differentials: SAML never needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw rejectInvalid("dtd", "Invalid SAML response: DTDs are not allowed.");
  return xml;
}

/**
 * Strict base64: Node's decoder skips what it does not know (spaces, "-", "_", a "=" inside), so
 * the input must be exactly what encoding the decoded bytes gives (padding optional). Cheaper
 * than a regular expression over a response of many kilobytes.
 */
function isCanonicalBase64(text: string, bytes: Buffer): boolean {
  const encoded = bytes.toString("base64");
  const end = (s: string) => {
    let e = s.length;
    while (e > 0 && s.charCodeAt(e - 1) === 61 /* = */) e--;
    return e;
  };
  const n = end(text);
  return n === end(encoded) && text.length - n <= 2 && encoded.startsWith(text.slice(0, n));
}

export function parseXml(xml: string): XDocument {
  const fail = (msg: string) => {
    throw invalid(`Invalid SAML response: ${msg.split("\n")[0]?.slice(0, 200)}`);
  };
  const doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, "text/xml");
  const roots = children(doc);
  if (roots.length !== 1 || !doc.documentElement) throw invalid("Invalid SAML response: exactly one root element is required.");
  return doc;
}

/** Element children of a node, in document order. */
export function children(node: XNode, ns?: string, local?: string): XElement[] {
  const out: XElement[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const e = c as XElement;
    if ((ns === undefined || e.namespaceURI === ns) && (local === undefined || e.localName === local)) out.push(e);
  }
  return out;
}

export function child(node: XNode, ns: string, local: string): XElement | undefined {
  return children(node, ns, local)[0];
}

/** All descendants with this name (anywhere, however nested). */
export function descendants(node: XDocument | XElement, ns: string, local: string): XElement[] {
  return Array.from(node.getElementsByTagNameNS(ns, local));
}

export function is(e: XElement | null | undefined, ns: string, local: string): e is XElement {
  return !!e && e.namespaceURI === ns && e.localName === local;
}

/** The element's whole text (all text and CDATA nodes concatenated; never a first-node prefix). */
export function text(e: XElement | undefined): string | undefined {
  if (!e) return undefined;
  if (children(e).length > 0) throw invalid(`Invalid SAML response: <${e.localName}> must hold text only.`);
  return e.textContent ?? "";
}

// Core validation (XML-DSig 1.1 §3.2) of one enveloped signature in the only shape signature.ts
// lets through: one Reference to the parent's ID, transforms [enveloped-signature, exc-c14n],
// exclusive C14N of SignedInfo, RSA-SHA256/512.
//
// Why not SignedXml.checkSignature: it costs ~2.8 ms per assertion, half of it XPath scans of the
// whole document to find the referenced ID (for a shape we have already pinned down by position),
// and it parses the document twice more. Here the document is parsed once by the caller, and the
// referenced element is the parent by construction, so there is no ID lookup to confuse.
// Canonicalization — the part that is easy to get subtly wrong — is still xml-crypto's
// ExclusiveCanonicalization; test/unit/sts/saml-xmldsig.test.ts checks this module against
// SignedXml.checkSignature on valid and tampered documents.
//
// Order follows §3.2 with the signature first: SignedInfo is canonicalized and its signature
// checked against the trusted keys before any Reference in it is believed; the Reference is then
// read back from the signed (canonical) bytes of SignedInfo, not from the received tree.
import { createHash, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import { ExclusiveCanonicalization } from "xml-crypto";
import { NS, child, children, parseXml, type XElement, type XNode } from "./xml.ts";

export const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
export const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/** SignatureMethod → node:crypto digest name (RSA PKCS#1 v1.5) */
export const SIGNATURE_HASHES: ReadonlyMap<string, string> = new Map([
  ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "sha256"],
  ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "sha512"],
]);
/** DigestMethod → node:crypto digest name */
export const DIGEST_HASHES: ReadonlyMap<string, string> = new Map([
  ["http://www.w3.org/2001/04/xmlenc#sha256", "sha256"],
  ["http://www.w3.org/2001/04/xmlenc#sha512", "sha512"],
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A profile violation: the caller turns it into its protocol's error. */
export class SignatureProfileError extends Error {}

/** What a SignedInfo in the allowed profile says. */
export interface SignedInfoFacts {
  signatureHash: string;
  digestHash: string;
  uri: string;
  digestValue: string;
  /** InclusiveNamespaces PrefixList of SignedInfo's CanonicalizationMethod */
  signedInfoPrefixes: string[];
  /** InclusiveNamespaces PrefixList of the reference's exc-c14n transform */
  referencePrefixes: string[];
}

const fail = (msg: string): never => {
  throw new SignatureProfileError(msg);
};

/** Reads a SignedInfo and refuses anything outside the profile (SAML bindings §5.4). */
export function readSignedInfo(si: XElement): SignedInfoFacts {
  const algorithm = (e: XElement | undefined) => e?.getAttribute("Algorithm") ?? "";
  const method = child(si, NS.ds, "CanonicalizationMethod");
  if (algorithm(method) !== EXC_C14N) fail("canonicalization must be exclusive C14N without comments.");
  const signatureHash = SIGNATURE_HASHES.get(algorithm(child(si, NS.ds, "SignatureMethod"))) ?? fail("signature algorithm not allowed.");
  const refs = children(si, NS.ds, "Reference");
  if (refs.length !== 1) fail("exactly one Reference is required.");
  const ref = refs[0]!;
  const digestHash = DIGEST_HASHES.get(algorithm(child(ref, NS.ds, "DigestMethod"))) ?? fail("digest algorithm not allowed.");
  const transforms = child(ref, NS.ds, "Transforms");
  const list = transforms ? children(transforms, NS.ds, "Transform") : [];
  if (list.length !== 2 || algorithm(list[0]) !== ENVELOPED || algorithm(list[1]) !== EXC_C14N) {
    fail("transforms must be enveloped-signature then exclusive C14N.");
  }
  const digestValue = (child(ref, NS.ds, "DigestValue")?.textContent ?? "").replace(/\s+/g, "");
  if (!BASE64.test(digestValue)) fail("malformed DigestValue.");
  return {
    signatureHash,
    digestHash,
    uri: ref.getAttribute("URI") ?? "",
    digestValue,
    signedInfoPrefixes: prefixList(method!),
    referencePrefixes: prefixList(list[1]!),
  };
}

/**
 * Verifies `signature` (a ds:Signature child of `parent`) with one of `keys`. Returns the
 * canonical octets of `parent` that the signature covers, or undefined when no key verifies it
 * or the digest does not match. Profile violations throw SignatureProfileError.
 */
export function verifyEnvelopedSignature(parent: XElement, signature: XElement, keys: readonly KeyObject[]): string | undefined {
  const signedInfo = children(signature, NS.ds, "SignedInfo");
  if (signedInfo.length !== 1) fail("exactly one SignedInfo is required.");
  const received = readSignedInfo(signedInfo[0]!);
  const signedInfoOctets = Buffer.from(canonicalize(signedInfo[0]!, received.signedInfoPrefixes), "utf8");
  const signatureValue = (child(signature, NS.ds, "SignatureValue")?.textContent ?? "").replace(/\s+/g, "");
  if (!BASE64.test(signatureValue)) return undefined;
  const sig = Buffer.from(signatureValue, "base64");
  if (!keys.some((key) => verify(received.signatureHash, signedInfoOctets, key, sig))) return undefined;

  // From here on only the signed octets of SignedInfo are read.
  const signed = readSignedInfo(parseXml(signedInfoOctets.toString("utf8")).documentElement!);
  const id = parent.getAttribute("ID");
  if (!id || signed.uri !== `#${id}`) fail("the Reference must point at the signed element.");
  const octets = canonicalize(parent, signed.referencePrefixes, signature);
  const digest = createHash(signed.digestHash).update(octets, "utf8").digest();
  const expected = Buffer.from(signed.digestValue, "base64");
  return digest.length === expected.length && timingSafeEqual(digest, expected) ? octets : undefined;
}

type Namespaces = { prefix: string; namespaceURI: string }[];
type MutableElement = XElement & { cloneNode(deep: boolean): MutableElement; removeChild(n: XNode): void; insertBefore(n: XNode, ref: XNode | null): void };

/**
 * Exclusive C14N (without comments) of `element`, leaving `omit` out (the enveloped-signature
 * transform). The received tree is left as it was: `omit` is detached only for the duration of the
 * call. ExclusiveCanonicalization writes a PrefixList's inherited declarations onto the node it is
 * given, which would change what a later signature over an enclosing element digests, so in that
 * (rare) case it works on a deep copy instead — copies are what make xml-crypto slow, hence not
 * the default.
 */
function canonicalize(element: XElement, prefixes: string[], omit?: XElement): string {
  const ancestors = ancestorNamespaces(element);
  const c14n = (e: XElement) => new ExclusiveCanonicalization().process(e as never, { inclusiveNamespacesPrefixList: prefixes, ancestorNamespaces: ancestors }).toString();
  const e = element as MutableElement;
  if (ancestors.some((ns) => prefixes.includes(ns.prefix))) return c14n(withoutChild(e, omit));
  if (!omit) return c14n(e);
  const next = omit.nextSibling;
  e.removeChild(omit);
  try {
    return c14n(e);
  } finally {
    e.insertBefore(omit, next);
  }
}

/** A detached deep copy of `parent`, without its `omit` child. */
function withoutChild(parent: MutableElement, omit?: XElement): MutableElement {
  const copy = parent.cloneNode(true);
  if (!omit) return copy;
  let index = 0;
  for (let c = parent.firstChild; c && c !== omit; c = c.nextSibling) index++;
  let target = copy.firstChild;
  for (let k = 0; k < index && target; k++) target = target.nextSibling;
  if (target) copy.removeChild(target);
  return copy;
}

/**
 * Namespace declarations in scope from the ancestors of `element` (nearest first, one per prefix),
 * minus the ones `element` itself declares or renders: what a PrefixList may pull onto the
 * canonical root. Same rule as xml-crypto's findAncestorNsForElement.
 */
function ancestorNamespaces(element: XElement): Namespaces {
  const own = new Set<string>([(element as unknown as { prefix?: string | null }).prefix ?? ""]);
  for (const a of attributes(element)) if (a.name === "xmlns" || a.name.startsWith("xmlns:")) own.add(a.name.slice(6));
  const seen = new Set<string>();
  const out: Namespaces = [];
  for (let p = element.parentNode; p && p.nodeType === 1; p = p.parentNode) {
    for (const a of attributes(p as XElement)) {
      if (a.name !== "xmlns" && !a.name.startsWith("xmlns:")) continue;
      const prefix = a.name.slice(6);
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      if (a.value !== "" && !own.has(prefix)) out.push({ prefix, namespaceURI: a.value });
    }
  }
  return out;
}

function attributes(e: XElement): { name: string; value: string }[] {
  const list = (e as unknown as { attributes: ArrayLike<{ name: string; value: string }> }).attributes;
  return Array.from(list);
}

/**
 * The InclusiveNamespaces PrefixList, as xml-crypto reads it: tokens are taken literally, so
 * "#default" names no prefix (mapping it to "" would make its C14N write an "xmlns:" attribute).
 */
function prefixList(e: XElement): string[] {
  const inclusive = child(e, EXC_C14N, "InclusiveNamespaces"); // its namespace is the algorithm's URI
  const list = inclusive?.getAttribute("PrefixList")?.trim();
  return list ? list.split(/\s+/) : [];
}

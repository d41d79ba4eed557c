// Hand-made AuthnRequests for the bad-input suite (not a test file itself): every field can be
// bent, and the Redirect binding can be signed (correctly or not) with any key.
import { createSign, randomBytes } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { SP_ACS, SP_ID, IDP } from "./setup.ts";
import type { TestKey } from "../../helpers/saml.ts";

export interface RequestShape {
  issuer?: string | null;
  acsUrl?: string | null;
  id?: string;
  issueInstant?: Date | string;
  protocolBinding?: string;
  extra?: string;
  prolog?: string;
}

export function authnRequestXml(o: RequestShape = {}): string {
  const id = o.id ?? `_${randomBytes(16).toString("hex")}`;
  const instant = o.issueInstant instanceof Date || o.issueInstant === undefined ? (o.issueInstant ?? new Date()).toISOString() : o.issueInstant;
  const acs = o.acsUrl === null ? "" : ` AssertionConsumerServiceURL="${o.acsUrl ?? SP_ACS}"`;
  const binding = ` ProtocolBinding="${o.protocolBinding ?? "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"}"`;
  const issuer = o.issuer === null ? "" : `<saml:Issuer>${o.issuer ?? SP_ID}</saml:Issuer>`;
  return `${o.prolog ?? ""}<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${instant}" Destination="${IDP}/saml/sso"${acs}${binding}>${issuer}${o.extra ?? ""}</samlp:AuthnRequest>`;
}

/** /saml/sso?SAMLRequest=… (deflated), optionally signed over the raw query octets. */
export function redirectUrl(xml: string | Buffer, opts: { relayState?: string; signWith?: TestKey; sigAlg?: string; raw?: boolean } = {}): string {
  const enc = encodeURIComponent;
  const data = opts.raw ? (xml as Buffer) : deflateRawSync(Buffer.from(xml as string, "utf8"));
  let q = `SAMLRequest=${enc(data.toString("base64"))}`;
  if (opts.relayState) q += `&RelayState=${enc(opts.relayState)}`;
  if (opts.signWith) {
    const sigAlg = opts.sigAlg ?? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    q += `&SigAlg=${enc(sigAlg)}`;
    const alg = sigAlg.endsWith("rsa-sha1") ? "RSA-SHA1" : "RSA-SHA256";
    q += `&Signature=${enc(createSign(alg).update(q).sign(opts.signWith.privateKey).toString("base64"))}`;
  }
  return `/saml/sso?${q}`;
}

// Makes a new signing key: RSA-2048 (RS256 for JWTs, RSA-SHA256 for XML-DSig) and a self-signed
// X.509 certificate for SAML metadata, which carries keys as certificates (SAML 2.0 Metadata §2.4.1.1).
import "reflect-metadata"; // @peculiar/x509 resolves its algorithm providers through tsyringe
import { createHash, createPrivateKey, randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

// Node's webcrypto is the Web Crypto API; the cast only bridges Node's and lib.dom's typings of
// it (lib.dom enters the program through @xmldom/xmldom's declarations).
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Ten years. SAML SPs pin the metadata certificate as a container for the key; the key's life is
 *  governed by rotation (rotate()), not by the certificate's dates. An SP that does check the
 *  dates must never see a certificate expire under a key still in use, so the validity outlasts
 *  any sensible rotation period by far; ten years is the span many IdPs give such certificates. */
export const CERTIFICATE_VALIDITY_YEARS = 10;

const RSA: webcrypto.RsaHashedKeyGenParams = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };

/** A published RS256 key (RFC 7517; x5c is standard base64 DER per §4.7). */
export interface PublicJwk {
  kty: "RSA";
  kid: string;
  use: "sig";
  alg: "RS256";
  n: string;
  e: string;
  x5c: string[];
  "x5t#S256": string;
}

export interface GeneratedKey {
  kid: string;
  publicJwk: PublicJwk;
  certificatePem: string;
  /** PKCS#8 DER; the caller seals it at once and lets it go */
  privateKeyDer: Buffer;
}

export async function generateSigningKey(baseUrl: string, now = new Date()): Promise<GeneratedKey> {
  const subtle = webcrypto.subtle;
  const keys = (await subtle.generateKey(RSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const jwk = await subtle.exportKey("jwk", keys.publicKey);
  const kid = jwkThumbprint(jwk);
  const notBefore = new Date(now.getTime() - 5 * 60_000); // tolerate SPs whose clocks run behind
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_VALIDITY_YEARS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [new URL(baseUrl).hostname] }],
    notBefore,
    notAfter,
    signingAlgorithm: RSA,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certificatePem = cert.toString("pem");
  const privateKeyDer = Buffer.from(await subtle.exportKey("pkcs8", keys.privateKey));
  createPrivateKey({ key: privateKeyDer, format: "der", type: "pkcs8" }); // fail here, not at first use
  return { kid, publicJwk: publicJwk(kid, jwk.n!, jwk.e!, certificatePem), certificatePem, privateKeyDer };
}

export function publicJwk(kid: string, n: string, e: string, certificatePem: string): PublicJwk {
  const der = pemToDer(certificatePem);
  return { kty: "RSA", kid, use: "sig", alg: "RS256", n, e, x5c: [der.toString("base64")], "x5t#S256": createHash("sha256").update(der).digest("base64url") };
}

/** RFC 7638 JWK thumbprint: a kid derived from the key itself, stable wherever it is computed. */
export function jwkThumbprint(jwk: { n?: string; e?: string }): string {
  return createHash("sha256").update(JSON.stringify({ e: jwk.e, kty: "RSA", n: jwk.n })).digest("base64url");
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64");
}

/** RFC 5280 §4.1.2.2: a positive integer of at most 20 octets, unpredictable (CA/B BR §7.1). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40; // positive and without a leading zero octet
  return bytes.toString("hex");
}

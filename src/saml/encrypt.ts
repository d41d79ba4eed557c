// Assertion encryption to the SP's certificate (SAML Core §2.3.4): AES-256-GCM (default) or
// AES-256-CBC for the content, the content key wrapped with RSA-OAEP. xml-encryption is the
// library node-saml itself decrypts with, so what we produce is what SP libraries expect.
import { createRequire } from "node:module";
import type { SpEncryptionAlgorithm } from "../directory/index.ts";
import { toPem } from "./signing.ts";

const require = createRequire(import.meta.url);
const xmlenc = require("xml-encryption") as {
  encrypt(content: string, options: Record<string, unknown>, cb: (err: Error | null, result?: string) => void): void;
};

const CONTENT_ALGORITHMS: Record<SpEncryptionAlgorithm, string> = {
  "aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
  "aes256-cbc": "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
};
const KEY_TRANSPORT = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";

/** Returns `<saml:EncryptedAssertion>` holding the encrypted (already signed) assertion. */
export function encryptAssertion(assertionXml: string, certificate: string, algorithm: SpEncryptionAlgorithm): Promise<string> {
  const pem = toPem(certificate);
  return new Promise((resolve, reject) => {
    xmlenc.encrypt(
      assertionXml,
      {
        rsa_pub: pem,
        pem,
        encryptionAlgorithm: CONTENT_ALGORITHMS[algorithm],
        keyEncryptionAlgorithm: KEY_TRANSPORT,
        disallowEncryptionWithInsecureAlgorithm: true,
        warnInsecureAlgorithm: false,
      },
      (err, result) => {
        if (err || !result) return reject(err ?? new Error("encryption produced nothing"));
        resolve(`<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${result}</saml:EncryptedAssertion>`);
      },
    );
  });
}

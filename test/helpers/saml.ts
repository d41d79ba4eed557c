// SAML test helpers: throw-away key pairs with certificates (for the IdP and for test SPs), and an
// independent SP (@node-saml/node-saml) configured to validate what our IdP sends.
import { createPrivateKey } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { SAML, ValidateInResponseTo, type SamlConfig } from "@node-saml/node-saml";
import { generateSigningKey } from "../../src/keys/generate.ts";

export interface TestKey {
  privateKeyPem: string;
  privateKey: ReturnType<typeof createPrivateKey>;
  certificatePem: string;
}

export async function testKey(cn = "sp.test.invalid"): Promise<TestKey> {
  const k = await generateSigningKey(`https://${cn}`);
  const privateKey = createPrivateKey({ key: k.privateKeyDer, format: "der", type: "pkcs8" });
  return { privateKey, privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }) as string, certificatePem: k.certificatePem };
}

export interface NodeSamlSpOptions {
  entityId: string;
  acsUrl: string;
  idpSsoUrl: string;
  idpIssuer: string;
  idpCerts: string[];
  /** decrypts encrypted assertions */
  decryptionKey?: TestKey;
  /** signs AuthnRequests */
  signingKey?: TestKey;
  wantAssertionsSigned?: boolean;
  wantAuthnResponseSigned?: boolean;
  inResponseTo?: boolean;
  logoutUrl?: string;
  /** any other node-saml setting (forceAuthn, passive, authnRequestBinding, ...) */
  extra?: Partial<SamlConfig>;
}

export function nodeSamlSp(o: NodeSamlSpOptions): SAML {
  const config: SamlConfig = {
    callbackUrl: o.acsUrl,
    entryPoint: o.idpSsoUrl,
    issuer: o.entityId,
    audience: o.entityId,
    idpIssuer: o.idpIssuer,
    idpCert: o.idpCerts,
    wantAssertionsSigned: o.wantAssertionsSigned ?? true,
    wantAuthnResponseSigned: o.wantAuthnResponseSigned ?? false,
    acceptedClockSkewMs: 5000,
    identifierFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    validateInResponseTo: o.inResponseTo ? ValidateInResponseTo.always : ValidateInResponseTo.never,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: "sha256",
    digestAlgorithm: "sha256",
    ...(o.logoutUrl ? { logoutUrl: o.logoutUrl } : {}),
    ...(o.decryptionKey ? { decryptionPvk: o.decryptionKey.privateKeyPem } : {}),
    ...(o.signingKey ? { privateKey: o.signingKey.privateKeyPem, publicCert: o.signingKey.certificatePem } : {}),
    ...o.extra,
  };
  return new SAML(config);
}

/** The XML inside a Redirect-binding SAMLRequest/SAMLResponse query parameter. */
export function redirectXml(url: string, param = "SAMLRequest"): string {
  const v = new URL(url).searchParams.get(param);
  if (!v) throw new Error(`no ${param} in ${url}`);
  return inflateRawSync(Buffer.from(v, "base64")).toString("utf8");
}

/** The hidden fields of an auto-POST page (our SSO response page). */
export function postForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in the page:\n${html.slice(0, 600)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = decodeEntities(m[2]!);
  return { action: decodeEntities(action), fields };
}

export function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCharCode(parseInt(n, 16))).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

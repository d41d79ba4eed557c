// Test helpers for the STS: SAML responses and ID tokens minted with the key service's active key
// (as the built-in IdP would sign them), an app listening on a loopback port for real AWS clients,
// and IAM users with access keys.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
import { randomBytes, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { SignedXml } from "xml-crypto";
import { createRequire } from "node:module";
import { encodeAwsAttributes } from "../../src/saml/aws-profile.ts";
import type { FederatedIdentity } from "../../src/claims/index.ts";
import { encodeAwsClaims } from "../../src/oidc/aws-claims.ts";
import { DEMO_ACCOUNT, DEMO_SAML_PROVIDER_ARN, oidcProviderArn, roleArn } from "../../src/seed/demo-data.ts";
import type { Services } from "../../src/services.ts";

export const ACCOUNT = DEMO_ACCOUNT;
export const SAML_PROVIDER = DEMO_SAML_PROVIDER_ARN;
export const ENGINEER = roleArn("Engineer");
export const READONLY = roleArn("ReadOnly");
export const FINANCE = roleArn("Finance");
export const AWS_RECIPIENT = "https://signin.aws.amazon.com/saml";
export const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
export const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
export const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
export const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";

export { oidcProviderArn };

export function aliceIdentity(baseUrl: string, over: Partial<FederatedIdentity> = {}): FederatedIdentity {
  return {
    subject: "u-0001-alice",
    subjectFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    issuer: baseUrl,
    roles: [
      { roleArn: ENGINEER, providerArn: SAML_PROVIDER, maxSessionDuration: 3600 },
      { roleArn: READONLY, providerArn: SAML_PROVIDER, maxSessionDuration: 3600 },
    ],
    roleSessionName: "alice",
    sourceIdentity: "alice",
    principalTags: { Department: "engineering", CostCenter: "1234" },
    transitiveTagKeys: ["CostCenter"],
    groups: ["admins", "engineering"],
    email: "alice@example.com",
    name: "Alice Example",
    mfa: false,
    authTime: new Date(Math.floor(Date.now() / 1000) * 1000),
    ...over,
  };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const iso = (ms: number) => new Date(ms).toISOString();

export interface SamlOptions {
  issuer?: string;
  nameId?: string;
  nameIdFormat?: string;
  recipient?: string;
  destination?: string | null;
  audiences?: string[][];
  now?: number;
  /** seconds the assertion is valid */
  lifetime?: number;
  notBefore?: number;
  sessionNotOnOrAfter?: number;
  assertionId?: string;
  responseId?: string;
  /** raw attribute XML replacing the encoded identity */
  attributesXml?: string;
  identity?: FederatedIdentity;
  conditions?: boolean;
  subjectConfirmations?: number;
  method?: string;
  /** InResponseTo on the Response and the SubjectConfirmationData (an SP-initiated answer) */
  inResponseTo?: string;
  /** the Response's top-level StatusCode (default Success) */
  status?: string;
}

/** An unsigned AWS-profile SAML Response (one Assertion). */
export function samlResponseXml(baseUrl: string, o: SamlOptions = {}): string {
  const now = o.now ?? Date.now();
  const issuer = o.issuer ?? baseUrl;
  const end = iso(now + (o.lifetime ?? 300) * 1000);
  const identity = o.identity ?? aliceIdentity(baseUrl);
  const attrs =
    o.attributesXml ??
    encodeAwsAttributes(identity)
      .map((a) => `<saml:Attribute Name="${esc(a.name)}" NameFormat="${esc(a.nameFormat ?? "")}">${a.values.map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`).join("")}</saml:Attribute>`)
      .join("");
  const recipient = o.recipient ?? AWS_RECIPIENT;
  const inResponseTo = o.inResponseTo === undefined ? "" : ` InResponseTo="${esc(o.inResponseTo)}"`;
  const sc = `<saml:SubjectConfirmation Method="${o.method ?? "urn:oasis:names:tc:SAML:2.0:cm:bearer"}"><saml:SubjectConfirmationData${inResponseTo} NotOnOrAfter="${end}" Recipient="${esc(recipient)}"/></saml:SubjectConfirmation>`;
  const audiences = (o.audiences ?? [["urn:amazon:webservices"]])
    .map((list) => `<saml:AudienceRestriction>${list.map((a) => `<saml:Audience>${esc(a)}</saml:Audience>`).join("")}</saml:AudienceRestriction>`)
    .join("");
  const conditions = o.conditions === false ? "" : `<saml:Conditions NotBefore="${iso(o.notBefore ?? now - 5000)}" NotOnOrAfter="${end}">${audiences}</saml:Conditions>`;
  const session = o.sessionNotOnOrAfter === undefined ? "" : ` SessionNotOnOrAfter="${iso(o.sessionNotOnOrAfter)}"`;
  const destination = o.destination === null ? "" : ` Destination="${esc(o.destination ?? recipient)}"`;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.responseId ?? `_r${randomBytes(8).toString("hex")}`}" Version="2.0" IssueInstant="${iso(now)}"${destination}${inResponseTo}>` +
    `<saml:Issuer>${esc(issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${o.status ?? "urn:oasis:names:tc:SAML:2.0:status:Success"}"/></samlp:Status>` +
    `<saml:Assertion ID="${o.assertionId ?? `_a${randomBytes(8).toString("hex")}`}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${esc(issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${o.nameIdFormat ?? identity.subjectFormat}">${esc(o.nameId ?? identity.subject)}</saml:NameID>${sc.repeat(o.subjectConfirmations ?? 1)}</saml:Subject>` +
    conditions +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}"${session}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

export interface SignOptions {
  target?: "assertion" | "response";
  privateKey?: KeyObject | string;
  certificatePem?: string;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  canonicalization?: string;
  transforms?: string[];
  /** embed the certificate in KeyInfo (default true) */
  keyInfo?: boolean;
  /** InclusiveNamespaces PrefixList on both exc-c14n steps (SignedInfo and the reference) */
  prefixList?: string[];
}

/** Signs the Assertion (default) or the Response with the key service's active key. */
export function signSaml(services: Services, xml: string, o: SignOptions = {}): string {
  const key = services.keys.activeKey();
  const privateKey = o.privateKey ?? key.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = o.certificatePem ?? key.certificatePem;
  const sig = new SignedXml({
    privateKey: typeof privateKey === "string" ? privateKey : privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicCert: cert,
    signatureAlgorithm: o.signatureAlgorithm ?? RSA_SHA256,
    canonicalizationAlgorithm: o.canonicalization ?? EXC_C14N,
    getKeyInfoContent: o.keyInfo === false ? () => null : SignedXml.getKeyInfoContent,
    inclusiveNamespacesPrefixList: o.prefixList,
  });
  const target = o.target === "response" ? "/*[local-name(.)='Response']" : "//*[local-name(.)='Assertion']";
  sig.addReference({ xpath: target, transforms: o.transforms ?? [ENVELOPED, EXC_C14N], digestAlgorithm: o.digestAlgorithm ?? SHA256, inclusiveNamespacesPrefixList: o.prefixList });
  sig.computeSignature(xml, { location: { reference: `${target}/*[local-name(.)='Issuer']`, action: "after" } });
  return sig.getSignedXml();
}

export const b64 = (xml: string) => Buffer.from(xml, "utf8").toString("base64");

/** A signed, base64 SAML response for alice (assertion signed). */
export function mintSamlResponse(services: Services, o: SamlOptions & SignOptions = {}): string {
  return b64(signSaml(services, samlResponseXml(services.config.baseUrl, o), o));
}

// xmldom loaded untyped: its typings pull TypeScript's "dom" lib into the whole program (see
// src/saml/strict/xml.ts). Tests manipulate the DOM through `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDoc = any;
const { DOMParser, XMLSerializer } = createRequire(import.meta.url)("@xmldom/xmldom") as {
  DOMParser: new () => { parseFromString(xml: string, type: string): AnyDoc };
  XMLSerializer: new () => { serializeToString(doc: AnyDoc): string };
};

/** Parse → mutate with the DOM → serialize without pretty-printing. */
export function mutateXml(xml: string, fn: (doc: AnyDoc) => void): string {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  fn(doc);
  return new XMLSerializer().serializeToString(doc);
}

export interface TokenOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  privateKey?: KeyObject;
  kid?: string | null;
  alg?: string;
}

/** An ID token for alice from the built-in IdP (aud mobile-app), signed with the active key. */
export async function mintIdToken(services: Services, o: TokenOptions = {}): Promise<string> {
  const key = services.keys.activeKey();
  const now = Math.floor(Date.now() / 1000);
  const identity = aliceIdentity(services.config.baseUrl);
  const claims = {
    iss: services.config.baseUrl,
    sub: identity.subject,
    aud: "mobile-app",
    iat: now,
    exp: now + 300,
    auth_time: now,
    ...encodeAwsClaims(identity),
    ...o.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (claims as Record<string, unknown>)[k];
  const header = { alg: o.alg ?? "RS256", typ: "JWT", ...(o.kid === null ? {} : { kid: o.kid ?? key.kid }), ...o.header };
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(o.privateKey ?? key.privateKey);
}

export interface Listening {
  url: string;
  endpoint: string;
  close(): Promise<void>;
}

/** The app on an ephemeral loopback port; endpoint = url + "/sts". */
export async function listen(app: http.RequestListener): Promise<Listening> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    endpoint: `${url}/sts`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An IAM user with a long-term access key (and optionally an MFA device). */
export async function iamUser(services: Services, name: string, opts: { mfa?: boolean } = {}) {
  await services.sts.iamUsers.createUser(ACCOUNT, name);
  const key = await services.sts.iamUsers.createAccessKey(ACCOUNT, name);
  const mfa = opts.mfa ? await services.sts.iamUsers.createMfaDevice(ACCOUNT, name, `${name}-phone`) : undefined;
  return { name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, mfa };
}

export interface StsReply {
  status: number;
  code?: string;
  message?: string;
  text: string;
  /** a <Name>value</Name> of the result */
  field(name: string): string | undefined;
}

type Poster = { post(url: string): import("supertest").Test };

/** One raw awsQuery POST to /sts (no signature): status, error code, fields. */
export async function stsPost(request: Poster, params: Record<string, string>): Promise<StsReply> {
  const res = await request.post("/sts").type("form").send({ Version: "2011-06-15", ...params });
  const text = res.text;
  const pick = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text)?.[1];
  return { status: res.status, code: pick("Code"), message: pick("Message"), text, field: pick };
}

export function samlCall(request: Poster, samlAssertion: string, roleArn = ENGINEER, principalArn = SAML_PROVIDER): Promise<StsReply> {
  return stsPost(request, { Action: "AssumeRoleWithSAML", RoleArn: roleArn, PrincipalArn: principalArn, SAMLAssertion: samlAssertion });
}

export function webIdentityCall(request: Poster, token: string, roleArn = ENGINEER, extra: Record<string, string> = {}): Promise<StsReply> {
  return stsPost(request, { Action: "AssumeRoleWithWebIdentity", RoleArn: roleArn, RoleSessionName: "alice", WebIdentityToken: token, ...extra });
}

// Shared setup for the SAML suites: an app with the demo data, a generic test SP registered with
// its own key, and helpers to follow our POST pages (not a test file itself).
import type { TestApp } from "../../helpers/app.ts";
import type { Browser, Response } from "../../helpers/browser.ts";
import { nodeSamlSp, postForm, testKey, type TestKey } from "../../helpers/saml.ts";
import type { ServiceProviderInput } from "../../../src/directory/index.ts";

export const IDP = "http://127.0.0.1:4000";
export const SP_ID = "https://sp.example.test/metadata";
export const SP_ACS = "https://sp.example.test/acs";
export const SP_SLO = "https://sp.example.test/slo";
export const AWS_ACS = `${IDP}/aws/saml`;

export interface SamlFixture {
  idpCerts: string[];
  spKey: TestKey;
}

export async function registerSp(t: TestApp, spKey: TestKey, over: Partial<ServiceProviderInput> = {}) {
  return t.services.directory.createServiceProvider(
    { entityId: SP_ID, name: "Test SP", acsUrls: [SP_ACS, `${SP_ACS}/second`], sloUrl: SP_SLO, certificates: [spKey.certificatePem], profile: "generic", ...over },
    "test",
  );
}

export function idpCerts(t: TestApp): string[] {
  return t.services.keys.publishedKeys().map((k) => k.certificatePem);
}

export function sp(t: TestApp, o: Partial<Parameters<typeof nodeSamlSp>[0]> = {}) {
  return nodeSamlSp({ entityId: SP_ID, acsUrl: SP_ACS, idpSsoUrl: `${IDP}/saml/sso`, idpIssuer: IDP, idpCerts: idpCerts(t), ...o });
}

/** Path + query of an absolute URL on our IdP (supertest speaks to the app directly). */
export function local(url: string): string {
  const u = new URL(url, IDP);
  return u.pathname + u.search;
}

/** Follows 303s within the IdP until a page answers. */
export async function follow(b: Browser, res: Response, max = 5): Promise<Response> {
  let r = res;
  for (let i = 0; i < max && (r.status === 303 || r.status === 302); i++) r = await b.get(local(r.headers.location!));
  return r;
}

export function samlResponseXml(html: string): { action: string; xml: string; relayState?: string; fields: Record<string, string> } {
  const f = postForm(html);
  return { action: f.action, xml: Buffer.from(f.fields.SAMLResponse ?? "", "base64").toString("utf8"), relayState: f.fields.RelayState, fields: f.fields };
}

export { testKey };

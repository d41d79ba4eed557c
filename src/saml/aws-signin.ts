// The local AWS sign-in: the ACS of the AWS SP in local mode (POST /aws/saml). It does what the
// AWS console's sign-in does with a SAML response: verify it (our published keys, Issuer, Audience
// urn:amazon:webservices, Recipient = this ACS, times), offer a role chooser when the assertion
// carries several roles, then AssumeRoleWithSAML through the STS module (local or real AWS) and
// show the temporary credentials as shell exports and as a ~/.aws/credentials profile.
import { Router, type Request, type Response } from "express";
import { csrfToken, requireCsrf } from "../auth/index.ts";
import { StsExchangeError, type AssumedRole, type FederationExchange } from "../sts/exchange.ts";
import { AWS_AUDIENCE, type AwsRolePair } from "./aws-profile.ts";
import { samlFormBody } from "./bindings.ts";
import { decodeAwsAssertion } from "./decode.ts";
import { DomainError } from "../errors.ts";
import { SamlError } from "./errors.ts";
import { renderErrorPage } from "./pages.ts";
import type { SsoDeps } from "./sso.ts";
import { verifySamlResponse } from "./verify.ts";
import { certBody } from "./signing.ts";

export const LOCAL_AWS_ACS_PATH = "/aws/saml";

export function awsSignInRoutes(d: SsoDeps & { federation: FederationExchange }): Router {
  const r = Router();
  const acs = `${d.baseUrl}${LOCAL_AWS_ACS_PATH}`;

  /** verified roles, or an error page (already sent and audited) */
  const verify = async (req: Request, res: Response): Promise<{ samlResponse: string; roles: AwsRolePair[]; subject: string; sessionName: string } | undefined> => {
    const samlResponse = (req.body as Record<string, unknown> | undefined)?.SAMLResponse;
    try {
      const verified = verifySamlResponse(samlResponse, {
        certificates: d.keys.publishedKeys().map((k) => certBody(k.certificatePem)),
        issuer: d.baseUrl,
        audience: AWS_AUDIENCE,
        recipients: [acs],
      });
      const identity = decodeAwsAssertion(verified);
      return { samlResponse: samlResponse as string, roles: identity.roles, subject: identity.subject, sessionName: identity.roleSessionName };
    } catch (err) {
      if (!(err instanceof SamlError) && !(err instanceof DomainError)) throw err;
      const reason = err instanceof SamlError ? err.reason : err.kind;
      await d.audit.record({ action: "aws.signin", outcome: "failure", details: { reason, message: err.message } });
      renderErrorPage(d.render, req, res, 400, "AWS sign-in failed", `The SAML response was not accepted: ${err.message}`);
      return undefined;
    }
  };

  r.post(LOCAL_AWS_ACS_PATH, samlFormBody, async (req, res) => {
    const v = await verify(req, res);
    if (!v) return;
    if (v.roles.length === 1) return assume(d, req, res, v.samlResponse, v.roles[0]!, v.sessionName);
    const { aliasByAccount } = await d.directory.snapshot();
    page(d, req, res, "aws-roles", { title: "Select a role", samlResponse: v.samlResponse, sessionName: v.sessionName, accounts: byAccount(v.roles, aliasByAccount) });
  });

  r.post(`${LOCAL_AWS_ACS_PATH}/assume`, samlFormBody, requireCsrf, async (req, res) => {
    const v = await verify(req, res);
    if (!v) return;
    const chosen = (req.body as Record<string, unknown>).role;
    const role = v.roles.find((x) => x.roleArn === chosen);
    if (!role) {
      await d.audit.record({ action: "aws.signin", outcome: "failure", details: { reason: "role_not_offered", subject: v.subject } });
      return renderErrorPage(d.render, req, res, 400, "AWS sign-in failed", "Choose one of the roles the sign-in offered.");
    }
    return assume(d, req, res, v.samlResponse, role, v.sessionName);
  });
  return r;
}

async function assume(d: SsoDeps & { federation: FederationExchange }, req: Request, res: Response, samlResponse: string, role: AwsRolePair, sessionName: string): Promise<void> {
  let assumed: AssumedRole;
  try {
    assumed = await d.federation.assumeRoleWithSAML({ samlResponse, roleArn: role.roleArn, principalArn: role.providerArn, sourceIp: req.ip });
  } catch (err) {
    if (!(err instanceof StsExchangeError)) throw err;
    await d.audit.record({ action: "aws.signin", target: role.roleArn, outcome: "failure", details: { reason: "sts", code: err.code, message: err.message } });
    return renderErrorPage(d.render, req, res, err.status >= 500 ? 502 : err.status, "AWS refused the sign-in", `${err.code}: ${err.message}`);
  }
  await d.audit.record({ action: "aws.signin", target: role.roleArn, outcome: "success", details: { assumedRoleArn: assumed.assumedRoleArn, expiration: assumed.credentials.expiration.toISOString() } });
  const c = assumed.credentials;
  const expires = c.expiration.toISOString().replace(/\.\d{3}Z$/, "Z");
  const profile = profileName(role.roleArn);
  page(d, req, res, "aws-credentials", {
    title: "AWS credentials",
    roleArn: role.roleArn,
    assumedRoleArn: assumed.assumedRoleArn,
    sessionName,
    expires,
    exports: [`export AWS_ACCESS_KEY_ID=${c.accessKeyId}`, `export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`, `export AWS_SESSION_TOKEN=${c.sessionToken}`, `# expires ${expires}`].join("\n"),
    credentialsFile: [`[${profile}]`, `# expires ${expires}`, `aws_access_key_id = ${c.accessKeyId}`, `aws_secret_access_key = ${c.secretAccessKey}`, `aws_session_token = ${c.sessionToken}`].join("\n"),
    profile,
  });
}

/** Roles grouped by account, as the AWS console's chooser shows them, with the accounts' names. */
function byAccount(roles: AwsRolePair[], aliasByAccount: ReadonlyMap<string, string>) {
  const out = new Map<string, { account: string; alias?: string; roles: { value: string; name: string; provider: string }[] }>();
  for (const r of roles) {
    const account = r.roleArn.split(":")[4] ?? "";
    const entry = out.get(account) ?? { account, alias: aliasByAccount.get(account), roles: [] };
    entry.roles.push({ value: r.roleArn, name: r.roleArn.split(":role/")[1] ?? r.roleArn, provider: r.providerArn });
    out.set(account, entry);
  }
  return [...out.values()];
}

/** A ~/.aws/credentials section name from the role: letters, digits and -_. only. */
function profileName(roleArn: string): string {
  const name = (roleArn.split(":role/")[1] ?? "role").split("/").pop()!;
  return `${roleArn.split(":")[4]}-${name}`.replace(/[^\w.-]/g, "-");
}

function page(d: SsoDeps, req: Request, res: Response, template: string, data: Record<string, unknown>): void {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Pragma", "no-cache");
  res.status(200).type("html").send(d.render(template, { user: res.locals.user ?? null, csrfToken: csrfToken(req, res), ...data }));
}

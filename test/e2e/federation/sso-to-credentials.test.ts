// The product end to end, every part real: a person signs in, the SAML IdP issues an AWS
// assertion, the local AWS sign-in trades it at the STS, and the AWS SDK uses the credentials;
// an app runs the OIDC code flow and trades the ID token with AssumeRoleWithWebIdentity.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { testBackends } from "../../helpers/db.ts";
import { csrfFrom, inputValue, login } from "../../helpers/browser.ts";
import { codeFlow, startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";
import { samlResponseXml } from "../../integration/saml/setup.ts";
import { decodeEntities } from "../../helpers/saml.ts";
import { AWS_TAGS_CLAIM } from "../../../src/oidc/index.ts";

const ACCOUNT = "111122223333";
const ENGINEER = `arn:aws:iam::${ACCOUNT}:role/Engineer`;
const FINANCE = `arn:aws:iam::${ACCOUNT}:role/Finance`;
const SAML_PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/idp-gateway`;
const ANONYMOUS: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = { accessKeyId: "unused", secretAccessKey: "unused" };

function sts(app: OidcTestApp, credentials = ANONYMOUS) {
  return new STSClient({ endpoint: `${app.base}/sts`, region: "us-east-1", credentials, maxAttempts: 1 });
}

for (const backend of testBackends()) {
  describe(`federation end to end (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    test("browser SSO → /aws/saml role chooser → credentials the AWS SDK accepts; the assertion is then spent", async () => {
      const b = await login(app.request, "alice");
      const launch = await b.get(`/saml/idp-init?sp=${encodeURIComponent("urn:amazon:webservices")}`);
      assert.equal(launch.status, 200);
      const posted = samlResponseXml(launch.text);
      assert.equal(posted.action, `${app.base}/aws/saml`);

      const chooser = await b.post("/aws/saml", { SAMLResponse: posted.fields.SAMLResponse! });
      assert.equal(chooser.status, 200, chooser.text.slice(0, 400));
      assert.match(chooser.text, /Select a role/);
      const page = await b.post("/aws/saml/assume", { _csrf: csrfFrom(chooser.text), SAMLResponse: inputValue(chooser.text, "SAMLResponse")!, role: ENGINEER });
      assert.equal(page.status, 200, page.text.slice(0, 600));
      const text = decodeEntities(page.text);
      const accessKeyId = /export AWS_ACCESS_KEY_ID=(\S+)/.exec(text)?.[1];
      const secretAccessKey = /export AWS_SECRET_ACCESS_KEY=(\S+)/.exec(text)?.[1];
      const sessionToken = /export AWS_SESSION_TOKEN=(\S+)/.exec(text)?.[1];
      assert.match(accessKeyId ?? "", /^ASIA[A-Z0-9]{16}$/);
      assert.ok(secretAccessKey && sessionToken);

      const me = await sts(app, { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken }).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Account, ACCOUNT);
      assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/alice`);

      // AWS accepts an assertion once: the same SAMLResponse sent straight to the STS is refused.
      await assert.rejects(
        sts(app).send(new AssumeRoleWithSAMLCommand({ RoleArn: ENGINEER, PrincipalArn: SAML_PROVIDER, SAMLAssertion: posted.fields.SAMLResponse! })),
        (err: unknown) => err instanceof STSServiceException && err.$metadata.httpStatusCode === 400,
      );
    });

    test("OIDC code flow → ID token with AWS claims → AssumeRoleWithWebIdentity → GetCallerIdentity", async () => {
      const { tokens } = await codeFlow(app, { scope: "openid profile email groups aws" });
      const claims = tokens.claims()!;
      assert.deepEqual((claims[AWS_TAGS_CLAIM] as { principal_tags: Record<string, string[]> }).principal_tags.Department, ["engineering"]);

      const out = await sts(app).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ENGINEER, RoleSessionName: "alice-app", WebIdentityToken: tokens.id_token! }));
      assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/alice-app`);
      assert.equal(out.SubjectFromWebIdentityToken, claims.sub);
      assert.equal(out.Audience, "mobile-app");
      const c = out.Credentials!;
      const me = await sts(app, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/alice-app`);
    });

    test("the built-in IdP's roles claim binds: another role, or a token without the aws scope, is refused", async () => {
      const { tokens } = await codeFlow(app, { username: "bob", scope: "openid aws" });
      await assert.rejects(
        sts(app).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ENGINEER, RoleSessionName: "bob-app", WebIdentityToken: tokens.id_token! })),
        (err: unknown) => err instanceof STSServiceException && /^IDPRejectedClaim/.test(err.name) && err.$metadata.httpStatusCode === 403,
      );
      const plain = await codeFlow(app, { username: "bob", scope: "openid" });
      await assert.rejects(
        sts(app).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: FINANCE, RoleSessionName: "bob-app", WebIdentityToken: plain.tokens.id_token! })),
        (err: unknown) => err instanceof STSServiceException && /^IDPRejectedClaim/.test(err.name) && /aws scope/.test(err.message),
      );
      // bob's own role with the aws scope works
      const own = await sts(app).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: FINANCE, RoleSessionName: "bob-app", WebIdentityToken: tokens.id_token! }));
      assert.equal(own.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Finance/bob-app`);
    });
  });
}

// The federation exchanges through the real AWS SDK v3 (only the endpoint overridden) against the
// app on a loopback port: AssumeRoleWithSAML and AssumeRoleWithWebIdentity with assertions/tokens
// signed by the built-in IdP's active key, then GetCallerIdentity with the returned credentials.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AssumeRoleWithSAMLCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from "@aws-sdk/client-sts";
import { fromWebToken } from "@aws-sdk/credential-providers";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { ACCOUNT, ENGINEER, READONLY, SAML_PROVIDER, listen, mintIdToken, mintSamlResponse, type Listening } from "../../helpers/sts.ts";
import { nameQualifier } from "../../../src/sts/index.ts";

const anon = { accessKeyId: "unused", secretAccessKey: "unused" };

for (const backend of testBackends()) {
  describe(`STS federation via the AWS SDK (${backend})`, () => {
    let t: TestApp;
    let srv: Listening;
    let sts: STSClient;
    before(async () => {
      t = await startTestApp(backend);
      srv = await listen(t.app);
      sts = new STSClient({ region: "us-east-1", endpoint: srv.endpoint, credentials: anon, maxAttempts: 1 });
    });
    after(async () => {
      sts.destroy();
      await srv.close();
      await t.close();
    });

    const whoAmI = async (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
      const c = new STSClient({ region: "us-east-1", endpoint: srv.endpoint, credentials, maxAttempts: 1 });
      try {
        return await c.send(new GetCallerIdentityCommand({}));
      } finally {
        c.destroy();
      }
    };

    test("AssumeRoleWithSAML returns AWS's fields and working credentials", async () => {
      const out = await sts.send(
        new AssumeRoleWithSAMLCommand({ RoleArn: ENGINEER, PrincipalArn: SAML_PROVIDER, SAMLAssertion: mintSamlResponse(t.services), DurationSeconds: 900 }),
      );
      const c = out.Credentials!;
      assert.match(c.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
      assert.equal(c.SecretAccessKey!.length, 40);
      assert.ok(c.Expiration! > new Date(Date.now() + 800_000) && c.Expiration! <= new Date(Date.now() + 900_000));
      assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/alice`);
      assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:alice$/);
      assert.equal(out.Subject, "u-0001-alice");
      assert.equal(out.SubjectType, "persistent");
      assert.equal(out.Issuer, t.config.baseUrl);
      assert.equal(out.Audience, "https://signin.aws.amazon.com/saml");
      assert.equal(out.NameQualifier, nameQualifier(t.config.baseUrl, ACCOUNT, "idp-gateway"));
      assert.equal(out.SourceIdentity, "alice");
      assert.ok(out.PackedPolicySize! > 0, "session tags count towards the packed size");

      const me = await whoAmI({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
      assert.equal(me.Arn, out.AssumedRoleUser!.Arn);
      assert.equal(me.UserId, out.AssumedRoleUser!.AssumedRoleId);
      assert.equal(me.Account, ACCOUNT);
    });

    test("the session row holds no plaintext secret or token", async () => {
      const out = await sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: READONLY, PrincipalArn: SAML_PROVIDER, SAMLAssertion: mintSamlResponse(t.services) }));
      const row = await t.services.db.prisma.stsSession.findUnique({ where: { accessKeyId: out.Credentials!.AccessKeyId! } });
      assert.ok(row);
      const dump = JSON.stringify({ ...row, tokenHash: Buffer.from(row.tokenHash).toString("base64") });
      assert.ok(!dump.includes(out.Credentials!.SecretAccessKey!));
      assert.ok(!dump.includes(out.Credentials!.SessionToken!));
      assert.deepEqual(row.tags, { CostCenter: "1234", Department: "engineering" });
      assert.deepEqual(row.transitiveTagKeys, ["CostCenter"]);
    });

    test("AssumeRoleWithWebIdentity returns AWS's fields and working credentials", async () => {
      const token = await mintIdToken(t.services);
      const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ENGINEER, RoleSessionName: "alice-mobile", WebIdentityToken: token }));
      assert.equal(out.SubjectFromWebIdentityToken, "u-0001-alice");
      assert.equal(out.Provider, t.config.baseUrl);
      assert.equal(out.Audience, "mobile-app");
      assert.equal(out.SourceIdentity, "alice");
      assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/alice-mobile`);
      const c = out.Credentials!;
      assert.ok(c.Expiration! > new Date(Date.now() + 3500_000), "default duration is one hour");
      const me = await whoAmI({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
      assert.equal(me.Arn, out.AssumedRoleUser!.Arn);
    });

    test("fromWebToken credential provider", async () => {
      const token = await mintIdToken(t.services);
      const provider = fromWebToken({ roleArn: ENGINEER, roleSessionName: "sdk-provider", webIdentityToken: token, clientConfig: { region: "us-east-1", endpoint: srv.endpoint } });
      const creds = await provider();
      assert.match(creds.accessKeyId, /^ASIA/);
      const me = await whoAmI(creds);
      assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/sdk-provider`);
    });

    test("every call is audited as a CloudTrail-shaped event", async () => {
      await t.services.sts.flushAudit();
      const events = await t.services.audit.query({ action: "sts." });
      const saml = events.find((e) => e.action === "sts.AssumeRoleWithSAML" && e.outcome === "success");
      assert.ok(saml, "AssumeRoleWithSAML event");
      const d = saml.details as Record<string, any>;
      assert.equal(d.eventSource, "sts.amazonaws.com");
      assert.equal(d.eventName, "AssumeRoleWithSAML");
      assert.equal(d.requestParameters.roleSessionName, "alice");
      assert.equal(d.requestParameters.sourceIdentity, "alice");
      assert.match(d.responseElements.credentials.accessKeyId, /^ASIA/);
      assert.ok([ENGINEER, READONLY].includes(saml.target!));
      const gci = events.find((e) => e.action === "sts.GetCallerIdentity");
      assert.ok(gci);
      assert.match(gci.actor, /^arn:aws:sts::111122223333:assumed-role\//);
    });
  });
}

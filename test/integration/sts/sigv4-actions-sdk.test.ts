// The SigV4 actions through the real AWS SDK v3 (endpoint override only): GetCallerIdentity,
// GetSessionToken (MFA), GetFederationToken, AssumeRole (ExternalId, MFA, tags, source identity),
// role chaining with fromTemporaryCredentials, the STS call matrix, and revocation.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { totpAt } from "../../../src/auth/index.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { ACCOUNT, iamUser, listen, type Listening } from "../../helpers/sts.ts";

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const trust = (actions: string[], condition?: object) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: ROOT }, Action: actions, ...(condition ? { Condition: condition } : {}) }],
});

async function sdkError(p: Promise<unknown>): Promise<STSServiceException> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof STSServiceException, String(err));
    return err;
  }
  assert.fail("the call succeeded");
}
const fromOut = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Creds => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

for (const backend of testBackends()) {
  describe(`SigV4 STS actions via the AWS SDK (${backend})`, () => {
    let t: TestApp;
    let srv: Listening;
    let bob: Awaited<ReturnType<typeof iamUser>>;
    const clients: STSClient[] = [];
    const sts = (credentials: Creds | (() => Promise<Creds>)) => {
      const c = new STSClient({ region: "us-east-1", endpoint: srv.endpoint, credentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    before(async () => {
      t = await startTestApp(backend);
      srv = await listen(t.app);
      bob = await iamUser(t.services, "bob-iam", { mfa: true });
      const roles: [string, object, number?][] = [
        ["Chain", trust(["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]), 43200],
        ["Chain2", trust(["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]), 43200],
        ["External", trust(["sts:AssumeRole"], { StringEquals: { "sts:ExternalId": "ext-123" } })],
        ["MfaOnly", trust(["sts:AssumeRole"], { Bool: { "aws:MultiFactorAuthPresent": "true" } })],
        ["NoTags", trust(["sts:AssumeRole"])],
      ];
      for (const [name, policy, max] of roles) {
        await t.services.directory.createRole({ arn: role(name), samlProviderArn: "arn:aws:iam::111122223333:saml-provider/idp-gateway", maxSessionDuration: max ?? 3600, trustPolicy: policy as never }, "test");
      }
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await srv.close();
      await t.close();
    });

    test("GetCallerIdentity with long-term IAM user keys", async () => {
      const out = await sts(bob.credentials).send(new GetCallerIdentityCommand({}));
      assert.equal(out.Arn, bob.arn);
      assert.match(out.UserId!, /^AIDA[A-Z2-7]{17}$/);
      assert.equal(out.Account, ACCOUNT);
    });

    test("GetSessionToken: user credentials, MFA once per code, not from session credentials", async () => {
      const out = await sts(bob.credentials).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      const creds = fromOut(out.Credentials);
      assert.match(creds.accessKeyId, /^ASIA/);
      assert.equal((await sts(creds).send(new GetCallerIdentityCommand({}))).Arn, bob.arn);
      const again = await sdkError(sts(creds).send(new GetSessionTokenCommand({})));
      assert.equal(again.name, "AccessDenied");
      assert.equal(again.$metadata.httpStatusCode, 403);

      const wrong = await sdkError(sts(bob.credentials).send(new GetSessionTokenCommand({ SerialNumber: bob.mfa!.serialNumber, TokenCode: "000000" })));
      assert.equal(wrong.name, "AccessDenied");
      const code = totpAt(bob.mfa!.secretBase32, new Date());
      const mfaOut = await sts(bob.credentials).send(new GetSessionTokenCommand({ SerialNumber: bob.mfa!.serialNumber, TokenCode: code }));
      assert.ok(mfaOut.Credentials?.AccessKeyId);
      const reuse = await sdkError(sts(bob.credentials).send(new GetSessionTokenCommand({ SerialNumber: bob.mfa!.serialNumber, TokenCode: code })));
      assert.equal(reuse.name, "AccessDenied", "a TOTP code is accepted once");

      // MFA session credentials satisfy a role that requires MFA
      const viaMfa = await sts(fromOut(mfaOut.Credentials)).send(new AssumeRoleCommand({ RoleArn: role("MfaOnly"), RoleSessionName: "mfa-sess" }));
      assert.ok(viaMfa.Credentials);
    });

    test("GetFederationToken: federated user identity; its credentials may not AssumeRole", async () => {
      const out = await sts(bob.credentials).send(
        new GetFederationTokenCommand({ Name: "Bob", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }), Tags: [{ Key: "team", Value: "blue" }] }),
      );
      assert.equal(out.FederatedUser?.Arn, `arn:aws:sts::${ACCOUNT}:federated-user/Bob`);
      assert.equal(out.FederatedUser?.FederatedUserId, `${ACCOUNT}:Bob`);
      assert.ok(out.PackedPolicySize! > 0);
      const creds = fromOut(out.Credentials);
      const me = await sts(creds).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, out.FederatedUser!.Arn);
      assert.equal(me.UserId, `${ACCOUNT}:Bob`);
      const denied = await sdkError(sts(creds).send(new AssumeRoleCommand({ RoleArn: role("Chain"), RoleSessionName: "x1" })));
      assert.equal(denied.name, "AccessDenied");
      const malformed = await sdkError(sts(bob.credentials).send(new GetFederationTokenCommand({ Name: "Bob", Policy: "{]" })));
      assert.equal(malformed.name, "MalformedPolicyDocumentException");
    });

    test("AssumeRole: ExternalId (confused deputy)", async () => {
      assert.equal((await sdkError(sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("External"), RoleSessionName: "s1" })))).name, "AccessDenied");
      assert.equal((await sdkError(sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("External"), RoleSessionName: "s1", ExternalId: "wrong-id" })))).name, "AccessDenied");
      const ok = await sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("External"), RoleSessionName: "s1", ExternalId: "ext-123" }));
      assert.equal(ok.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/External/s1`);
    });

    test("AssumeRole: MFA via SerialNumber + TokenCode", async () => {
      assert.equal((await sdkError(sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("MfaOnly"), RoleSessionName: "s1" })))).name, "AccessDenied");
      const code = totpAt(bob.mfa!.secretBase32, new Date(Date.now() + 30_000));
      const ok = await sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("MfaOnly"), RoleSessionName: "s1", SerialNumber: bob.mfa!.serialNumber, TokenCode: code }));
      assert.ok(ok.Credentials);
    });

    test("AssumeRole: tags need sts:TagSession; unknown role and too-long durations", async () => {
      const noTag = await sdkError(sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("NoTags"), RoleSessionName: "s1", Tags: [{ Key: "a", Value: "b" }] })));
      assert.equal(noTag.name, "AccessDenied");
      assert.match(noTag.message, /sts:TagSession/);
      assert.equal((await sdkError(sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("Nope"), RoleSessionName: "s1" })))).name, "AccessDenied");
      const long = await sdkError(sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("External"), RoleSessionName: "s1", ExternalId: "ext-123", DurationSeconds: 7200 })));
      assert.equal(long.name, "ValidationError");
      assert.match(long.message, /MaxSessionDuration/);
    });

    test("role chaining with fromTemporaryCredentials: 1 h cap, transitive tags carried, source identity immutable", async () => {
      const first = await sts(bob.credentials).send(
        new AssumeRoleCommand({ RoleArn: role("Chain"), RoleSessionName: "first", Tags: [{ Key: "Project", Value: "apollo" }, { Key: "Temp", Value: "x" }], TransitiveTagKeys: ["Project"], SourceIdentity: "bob-src", DurationSeconds: 7200 }),
      );
      const chainCreds = fromOut(first.Credentials);
      const tooLong = await sdkError(sts(chainCreds).send(new AssumeRoleCommand({ RoleArn: role("Chain2"), RoleSessionName: "second", DurationSeconds: 3601 })));
      assert.equal(tooLong.name, "ValidationError");
      assert.match(tooLong.message, /1 hour session limit for roles assumed by role chaining/);
      const override = await sdkError(sts(chainCreds).send(new AssumeRoleCommand({ RoleArn: role("Chain2"), RoleSessionName: "second", Tags: [{ Key: "project", Value: "other" }] })));
      assert.equal(override.name, "InvalidParameterValue");
      const changed = await sdkError(sts(chainCreds).send(new AssumeRoleCommand({ RoleArn: role("Chain2"), RoleSessionName: "second", SourceIdentity: "someone-else" })));
      assert.equal(changed.name, "AccessDenied");

      const provider = fromTemporaryCredentials({
        params: { RoleArn: role("Chain2"), RoleSessionName: "second" },
        masterCredentials: fromTemporaryCredentials({
          params: { RoleArn: role("Chain"), RoleSessionName: "first", Tags: [{ Key: "Project", Value: "apollo" }], TransitiveTagKeys: ["Project"], SourceIdentity: "bob-src" },
          masterCredentials: bob.credentials,
          clientConfig: { region: "us-east-1", endpoint: srv.endpoint },
        }),
        clientConfig: { region: "us-east-1", endpoint: srv.endpoint },
      });
      const chained = await provider();
      const me = await sts(chained).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Chain2/second`);
      assert.ok(chained.expiration! <= new Date(Date.now() + 3600_000));
      const row = await t.services.db.prisma.stsSession.findUnique({ where: { accessKeyId: chained.accessKeyId } });
      assert.deepEqual(row?.tags, { Project: "apollo" }, "only the transitive tag rides along");
      assert.deepEqual(row?.transitiveTagKeys, ["Project"]);
      assert.equal(row?.sourceIdentity, "bob-src");
      assert.equal(row?.chained, true);
    });

    test("revocation: revoke older sessions of a role (GetCallerIdentity unaffected) and one session now", async () => {
      const out = await sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("Chain"), RoleSessionName: "old" }));
      const old = fromOut(out.Credentials);
      await t.services.sts.revokeOlderSessions(role("Chain"), new Date(Date.now() + 1));
      await new Promise((r) => setTimeout(r, 5));
      const denied = await sdkError(sts(old).send(new AssumeRoleCommand({ RoleArn: role("Chain2"), RoleSessionName: "x1" })));
      assert.equal(denied.name, "AccessDenied");
      assert.match(denied.message, /explicit deny/);
      assert.equal((await sts(old).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Chain/old`);
      const fresh = fromOut((await sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("Chain"), RoleSessionName: "new" }))).Credentials);
      assert.ok((await sts(fresh).send(new AssumeRoleCommand({ RoleArn: role("Chain2"), RoleSessionName: "x1" }))).Credentials, "sessions issued afterwards work");

      assert.equal(await t.services.sts.revokeSession(fresh.accessKeyId), true);
      const gone = await sdkError(sts(fresh).send(new GetCallerIdentityCommand({})));
      assert.equal(gone.name, "InvalidClientTokenId");
      assert.equal(gone.$metadata.httpStatusCode, 403);
    });

    if (backend === "postgres") {
      test("revocation is effective on another instance at once (its cache holds the credential)", async () => {
        const other = await t.startAnother();
        const otherSrv = await listen(other.app);
        try {
          const creds = fromOut((await sts(bob.credentials).send(new AssumeRoleCommand({ RoleArn: role("Chain"), RoleSessionName: "multi" }))).Credentials);
          const remote = new STSClient({ region: "us-east-1", endpoint: otherSrv.endpoint, credentials: creds, maxAttempts: 1 });
          clients.push(remote);
          assert.ok((await remote.send(new GetCallerIdentityCommand({}))).Arn, "served (and cached) by the other instance");
          await t.services.sts.revokeSession(creds.accessKeyId);
          assert.equal((await sdkError(remote.send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
        } finally {
          await otherSrv.close();
          await other.close();
        }
      });
    }

    test("expired temporary credentials → ExpiredToken (403)", async () => {
      const past = new Date(Date.now() - 3600_000);
      const creds = await t.services.sts.store.issue({
        kind: "user", accountId: ACCOUNT, arn: bob.arn, userId: "AIDAEXAMPLE", iamUserName: "bob-iam", tags: {}, transitiveTagKeys: [], mfa: false, chained: false,
        issuedAt: new Date(past.getTime() - 900_000), expiresAt: past,
      });
      const err = await sdkError(sts({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken }).send(new GetCallerIdentityCommand({})));
      assert.equal(err.name, "ExpiredToken");
      assert.equal(err.$metadata.httpStatusCode, 403);
    });

    test("an inactive access key and a wrong session token → InvalidClientTokenId", async () => {
      const carol = await iamUser(t.services, "carol-iam");
      await t.services.sts.iamUsers.setAccessKeyStatus(carol.credentials.accessKeyId, "Inactive");
      assert.equal((await sdkError(sts(carol.credentials).send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
      const out = await sts(bob.credentials).send(new GetSessionTokenCommand({}));
      const bad = { ...fromOut(out.Credentials), sessionToken: "AAAA" + out.Credentials!.SessionToken!.slice(4) };
      assert.equal((await sdkError(sts(bad).send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
      const none = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey! };
      assert.equal((await sdkError(sts(none).send(new GetCallerIdentityCommand({})))).name, "InvalidClientTokenId");
    });
  });
}

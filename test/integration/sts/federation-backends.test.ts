// The FederationExchange the sign-in pages use: the local backend (in-process actions) and the aws
// backend (@aws-sdk/client-sts) pointed at a second local instance through IDP_STS_AWS_ENDPOINT.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StsExchangeError } from "../../../src/sts/index.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { ENGINEER, FINANCE, SAML_PROVIDER, listen, mintIdToken, mintSamlResponse, type Listening } from "../../helpers/sts.ts";

async function exchangeError(p: Promise<unknown>): Promise<StsExchangeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StsExchangeError, String(err));
    return err;
  }
  assert.fail("the exchange succeeded");
}

for (const backend of testBackends()) {
  describe(`federation exchange backends (${backend})`, () => {
    let sts: TestApp; // the STS instance (local backend)
    let srv: Listening;
    let front: TestApp; // an instance whose exchanges go to `sts` through the AWS SDK
    before(async () => {
      sts = await startTestApp(backend);
      srv = await listen(sts.app);
      front = await startTestApp(backend, { env: { IDP_STS_BACKEND: "aws", IDP_STS_AWS_ENDPOINT: srv.endpoint, IDP_STS_AWS_REGION: "us-east-1" } });
    });
    after(async () => {
      await front.close();
      await srv.close();
      await sts.close();
    });

    test("local backend: SAML and web identity exchanges in-process, audited", async () => {
      const r = await sts.services.federation.assumeRoleWithSAML({ samlResponse: mintSamlResponse(sts.services), roleArn: ENGINEER, principalArn: SAML_PROVIDER, sourceIp: "203.0.113.9" });
      assert.equal(r.assumedRoleArn, "arn:aws:sts::111122223333:assumed-role/Engineer/alice");
      assert.match(r.credentials.accessKeyId, /^ASIA/);
      const w = await sts.services.federation.assumeRoleWithWebIdentity({ webIdentityToken: await mintIdToken(sts.services), roleArn: ENGINEER, roleSessionName: "alice-web" });
      assert.equal(w.sourceIdentity, "alice");
      const e = await exchangeError(sts.services.federation.assumeRoleWithWebIdentity({ webIdentityToken: await mintIdToken(sts.services), roleArn: FINANCE, roleSessionName: "x1" }));
      assert.equal(e.code, "IDPRejectedClaim");
      assert.equal(e.status, 403);
      await sts.services.sts.flushAudit();
      const events = await sts.services.audit.query({ action: "sts.AssumeRoleWithSAML" });
      assert.ok(events.some((ev) => ev.sourceIp === "203.0.113.9" && ev.outcome === "success"));
    });

    test("aws backend: the SDK carries the exchanges to the configured endpoint", async () => {
      const saml = await front.services.federation.assumeRoleWithSAML({ samlResponse: mintSamlResponse(sts.services), roleArn: ENGINEER, principalArn: SAML_PROVIDER, durationSeconds: 900 });
      assert.equal(saml.assumedRoleArn, "arn:aws:sts::111122223333:assumed-role/Engineer/alice");
      const row = await sts.services.db.prisma.stsSession.findUnique({ where: { accessKeyId: saml.credentials.accessKeyId } });
      assert.ok(row, "the session lives in the STS instance's database");
      const web = await front.services.federation.assumeRoleWithWebIdentity({ webIdentityToken: await mintIdToken(sts.services), roleArn: ENGINEER, roleSessionName: "via-sdk" });
      assert.equal(web.assumedRoleArn, "arn:aws:sts::111122223333:assumed-role/Engineer/via-sdk");
      assert.equal(web.sourceIdentity, "alice");
    });

    test("aws backend: AWS errors keep their wire code and status", async () => {
      const bad = await exchangeError(front.services.federation.assumeRoleWithWebIdentity({ webIdentityToken: "not-a-token", roleArn: ENGINEER, roleSessionName: "x1" }));
      assert.equal(bad.code, "InvalidIdentityToken");
      assert.equal(bad.status, 400);
      const rejectedClaim = await exchangeError(front.services.federation.assumeRoleWithWebIdentity({ webIdentityToken: await mintIdToken(sts.services), roleArn: FINANCE, roleSessionName: "x1" }));
      assert.equal(rejectedClaim.code, "IDPRejectedClaim");
      assert.equal(rejectedClaim.status, 403);
      const denied = await exchangeError(front.services.federation.assumeRoleWithSAML({ samlResponse: mintSamlResponse(sts.services), roleArn: FINANCE, principalArn: SAML_PROVIDER }));
      assert.equal(denied.code, "AccessDenied");
      assert.equal(denied.status, 403);
    });

    test("aws backend: an unreachable endpoint is ServiceUnavailable", async () => {
      const dead = await startTestApp(backend, { env: { IDP_STS_BACKEND: "aws", IDP_STS_AWS_ENDPOINT: "http://127.0.0.1:9/sts" } });
      try {
        const e = await exchangeError(dead.services.federation.assumeRoleWithWebIdentity({ webIdentityToken: "x".repeat(10), roleArn: ENGINEER, roleSessionName: "x1" }));
        assert.equal(e.code, "ServiceUnavailable");
      } finally {
        await dead.close();
      }
    });
  });
}

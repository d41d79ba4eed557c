// The real AWS SDK v3 STS client against our wire layer: it must serialize requests we parse,
// parse our XML into typed output, and turn our ErrorResponse into its exception classes.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  IDPCommunicationErrorException,
  IDPRejectedClaimException,
  InvalidIdentityTokenException,
  STSClient,
  STSServiceException,
} from "@aws-sdk/client-sts";
import { EXPIRATION, LONG_TERM, startStsServer, type StsTestServer } from "./helpers.ts";

const ROLE = "arn:aws:iam::111122223333:role/Engineer";

let sts: StsTestServer;
let client: STSClient;
before(async () => {
  sts = await startStsServer({ mount: "/sts" });
  client = new STSClient({ region: "us-east-1", endpoint: sts.url, credentials: LONG_TERM, maxAttempts: 1 });
});
after(async () => {
  client.destroy();
  await sts.close();
});

const web = (token: string) => new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: "alice", WebIdentityToken: token });

async function sdkError(p: Promise<unknown>): Promise<STSServiceException> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof STSServiceException, `expected an STSServiceException, got ${String(err)}`);
    return err;
  }
  assert.fail("the call succeeded");
}

describe("success responses parse into typed output", () => {
  test("GetCallerIdentity (SigV4-signed by the SDK)", async () => {
    const out = await client.send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, "arn:aws:iam::111122223333:user/alice");
    assert.equal(out.UserId, "AIDAEXAMPLEALICE0001");
    assert.equal(out.Account, "111122223333");
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.ok(out.$metadata.requestId);
  });

  test("AssumeRoleWithWebIdentity (unsigned): Expiration is a Date, escaped values round-trip", async () => {
    const out = await client.send(web("good-token"));
    assert.ok(out.Credentials?.Expiration instanceof Date);
    assert.equal(out.Credentials.Expiration.toISOString(), EXPIRATION.toISOString());
    assert.equal(out.Credentials.SecretAccessKey, "secret<&>\"'");
    assert.equal(out.Credentials.SessionToken, "token]]>&<end");
    assert.equal(out.AssumedRoleUser?.Arn, "arn:aws:sts::111122223333:assumed-role/Engineer/alice");
    assert.equal(out.PackedPolicySize, 6);
    assert.equal(out.Provider, "https://issuer.example");
    assert.equal(out.SourceIdentity, undefined);
  });

  test("AssumeRole: the SDK's list encoding (Tags, TransitiveTagKeys, PolicyArns) parses", async () => {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: ROLE,
        RoleSessionName: "s1",
        Tags: [
          { Key: "Project", Value: "Apollo 11" },
          { Key: "CostCenter", Value: "" },
        ],
        TransitiveTagKeys: ["project"],
        PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
        DurationSeconds: 900,
      }),
    );
    assert.equal(out.PackedPolicySize, 2);
  });

  test("AssumeRole with empty lists (sent as `Tags=`)", async () => {
    const out = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s1", Tags: [], PolicyArns: [] }));
    assert.equal(out.PackedPolicySize, 0);
  });
});

describe("ErrorResponse becomes the SDK's exception", () => {
  test("IDPRejectedClaim → IDPRejectedClaimException, 403", async () => {
    const e = await sdkError(client.send(web("reject-claim")));
    assert.ok(e instanceof IDPRejectedClaimException);
    assert.equal(e.name, "IDPRejectedClaimException");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, "Token audience is not allowed");
    assert.equal(e.$fault, "client");
  });

  test("ExpiredTokenException → ExpiredTokenException, 400", async () => {
    const e = await sdkError(client.send(web("expired-token")));
    assert.ok(e instanceof ExpiredTokenException);
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  test("InvalidIdentityToken and IDPCommunicationError map to their classes", async () => {
    assert.ok((await sdkError(client.send(web("invalid-token")))) instanceof InvalidIdentityTokenException);
    assert.ok((await sdkError(client.send(web("idp-down")))) instanceof IDPCommunicationErrorException);
  });

  test("AccessDenied (unmodeled) → name 'AccessDenied', 403", async () => {
    const e = await sdkError(client.send(web("deny-access")));
    assert.equal(e.name, "AccessDenied");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  });

  test("ValidationError carries AWS's message", async () => {
    const e = await sdkError(client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: "a", WebIdentityToken: "good-token" })));
    assert.equal(e.name, "ValidationError");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
  });

  test("InvalidParameterValue from a cross-member check", async () => {
    const e = await sdkError(
      client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s1", Tags: [{ Key: "A", Value: "1" }, { Key: "a", Value: "2" }] })),
    );
    assert.equal(e.name, "InvalidParameterValue");
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  test("Throttling → name 'Throttling', 400", async () => {
    const e = await sdkError(client.send(web("throttle")));
    assert.equal(e.name, "Throttling");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, "Rate exceeded");
  });

  test("InternalFailure → 500, server fault, no internals", async () => {
    const e = await sdkError(client.send(web("crash")));
    assert.equal(e.name, "InternalFailure");
    assert.equal(e.$metadata.httpStatusCode, 500);
    assert.equal(e.$fault, "server");
    assert.doesNotMatch(e.message, /secret internal detail/);
  });

  test("the request id reaches the SDK's metadata", async () => {
    const e = await sdkError(client.send(web("deny-access")));
    assert.equal(e.$metadata.requestId, sts.audits.at(-1)?.requestId);
  });
});

describe("endpoint at the server root", () => {
  test("the same client works against a router mounted at /", async () => {
    const root = await startStsServer();
    const c = new STSClient({ region: "eu-west-1", endpoint: root.url, credentials: LONG_TERM, maxAttempts: 1 });
    try {
      const out = await c.send(new GetCallerIdentityCommand({}));
      assert.equal(out.Account, "111122223333");
      assert.equal(root.audits.at(-1)?.region, "eu-west-1");
    } finally {
      c.destroy();
      await root.close();
    }
  });
});

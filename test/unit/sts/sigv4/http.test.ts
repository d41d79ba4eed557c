// SigV4 end to end: requests signed by the real SDK, and hand-signed requests sent over HTTP to
// stsRouter, each rejection answered with AWS's code.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { EXPIRED, LONG_TERM, TEMPORARY, startStsServer, type StsTestServer } from "../protocol/helpers.ts";
import { encodeQuery, signer } from "./helpers.ts";

let sts: StsTestServer;
before(async () => {
  sts = await startStsServer({ mount: "/sts" });
});
after(() => sts.close());

const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, extra: object = {}) =>
  new STSClient({ region: "us-east-1", endpoint: sts.url, credentials, maxAttempts: 1, ...extra });

async function sdkError(c: STSClient): Promise<STSServiceException> {
  try {
    await c.send(new GetCallerIdentityCommand({}));
  } catch (err) {
    assert.ok(err instanceof STSServiceException, String(err));
    return err;
  } finally {
    c.destroy();
  }
  assert.fail("the call succeeded");
}

describe("requests signed by @aws-sdk/client-sts", () => {
  test("temporary credentials with their session token verify", async () => {
    const c = client(TEMPORARY);
    try {
      const out = await c.send(new GetCallerIdentityCommand({}));
      assert.equal(out.Arn, "arn:aws:sts::111122223333:assumed-role/Engineer/alice");
    } finally {
      c.destroy();
    }
  });

  test("a temporary key without its token → InvalidClientTokenId 403", async () => {
    const e = await sdkError(client({ accessKeyId: TEMPORARY.accessKeyId, secretAccessKey: TEMPORARY.secretAccessKey }));
    assert.equal(e.name, "InvalidClientTokenId");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, "The security token included in the request is invalid.");
  });

  test("a wrong token → InvalidClientTokenId; expired credentials → ExpiredToken 403", async () => {
    assert.equal((await sdkError(client({ ...TEMPORARY, sessionToken: "forged" }))).name, "InvalidClientTokenId");
    const e = await sdkError(client(EXPIRED));
    assert.equal(e.name, "ExpiredToken");
    assert.equal(e.$metadata.httpStatusCode, 403);
  });

  test("a wrong secret → SignatureDoesNotMatch 403; an unknown key → InvalidClientTokenId", async () => {
    const e = await sdkError(client({ ...LONG_TERM, secretAccessKey: "wrong-secret" }));
    assert.equal(e.name, "SignatureDoesNotMatch");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal((await sdkError(client({ ...LONG_TERM, accessKeyId: "AKIAUNKNOWNKEY000001" }))).name, "InvalidClientTokenId");
  });

  test("a clock 16 minutes behind → SignatureDoesNotMatch 'Signature expired'", async () => {
    const e = await sdkError(client(LONG_TERM, { systemClockOffset: -16 * 60_000 }));
    assert.equal(e.name, "SignatureDoesNotMatch");
    assert.match(e.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  });

  test("SigV4 failures are audited as denied, without an identity", async () => {
    await sdkError(client({ ...LONG_TERM, secretAccessKey: "wrong-secret" }));
    const last = sts.audits.at(-1)!;
    assert.equal(last.outcome, "denied");
    assert.equal(last.errorCode, "SignatureDoesNotMatch");
    assert.equal(last.accessKeyId, undefined);
  });
});

/** Signs a POST to the test server as a client would, then lets the test alter what is sent. */
async function signedPost(body: string, headers: Record<string, string> = {}) {
  const host = `127.0.0.1:${sts.port}`;
  return signer(LONG_TERM).sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: sts.port,
      path: "/sts/",
      query: {},
      headers: { host, "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
    },
    { signingDate: new Date() },
  );
}

function send(path: string, method: string, headers: Record<string, string | string[]>, body = ""): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: sts.port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const codeOf = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const GCI = "Action=GetCallerIdentity&Version=2011-06-15";

describe("hand-signed requests over HTTP", () => {
  test("a correctly signed POST verifies", async () => {
    const signed = await signedPost(GCI);
    const res = await send("/sts/", "POST", signed.headers, GCI);
    assert.equal(res.status, 200, res.body);
  });

  test("a tampered body → 403 SignatureDoesNotMatch", async () => {
    const signed = await signedPost(GCI);
    const res = await send("/sts/", "POST", signed.headers, `${GCI}&RoleSessionName=x`);
    assert.equal(res.status, 403);
    assert.equal(codeOf(res.body), "SignatureDoesNotMatch");
  });

  test("a tampered signed header → 403 SignatureDoesNotMatch", async () => {
    const signed = await signedPost(GCI, { "x-amz-meta-client": "cli" });
    const res = await send("/sts/", "POST", { ...signed.headers, "x-amz-meta-client": "browser" }, GCI);
    assert.equal(codeOf(res.body), "SignatureDoesNotMatch");
  });

  test("repeated headers are joined with ',' before canonicalization (SigV4)", async () => {
    const signed = await signedPost(GCI, { "x-amz-meta-multi": "a,b" });
    const { "x-amz-meta-multi": _joined, ...rest } = signed.headers;
    const res = await send("/sts/", "POST", { ...rest, "x-amz-meta-multi": ["a", "b"] }, GCI);
    assert.equal(res.status, 200, res.body);
  });

  test("a different path than the one signed → SignatureDoesNotMatch", async () => {
    const signed = await signedPost(GCI);
    const res = await send("/sts", "POST", signed.headers, GCI);
    assert.equal(codeOf(res.body), "SignatureDoesNotMatch");
  });

  test("a presigned GetCallerIdentity URL (EKS style, JSON answer) works", async () => {
    const host = `127.0.0.1:${sts.port}`;
    const presigned = await signer(LONG_TERM).presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: sts.port,
        path: "/sts/",
        query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
        headers: { host, "x-k8s-aws-id": "demo-cluster" },
      },
      { expiresIn: 60, signingDate: new Date() },
    );
    const url = `/sts/?${encodeQuery(presigned.query as Record<string, string>)}`;
    const res = await send(url, "GET", { "x-k8s-aws-id": "demo-cluster", accept: "application/json" });
    assert.equal(res.status, 200, res.body);
    // the shape aws-iam-authenticator decodes (pkg/token/token.go getCallerIdentityWrapper)
    const json = JSON.parse(res.body) as { GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: string; Account: string; UserId: string }; ResponseMetadata: { RequestId: string } } };
    assert.equal(json.GetCallerIdentityResponse.GetCallerIdentityResult.Arn, "arn:aws:iam::111122223333:user/alice");
    assert.ok(json.GetCallerIdentityResponse.ResponseMetadata.RequestId);

    const otherCluster = await send(url, "GET", { "x-k8s-aws-id": "other-cluster" });
    assert.equal(otherCluster.status, 403);
    assert.equal(codeOf(otherCluster.body), "SignatureDoesNotMatch");
  });
});

// SigV4 verification, one rule per test, with a fixed clock (security.md §4).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StsError, type SignableRequest } from "../../../../src/sts/protocol/index.ts";
import { createSigV4Verifier, type SigningCredential } from "../../../../src/sts/credentials/sigv4.ts";
import { BODY, HOST, NOW, at, minutes, presign, signHeaderForm, withHeaders, withQuery, type Keys } from "./helpers.ts";

const USER: Keys = { accessKeyId: "AKIDEXAMPLEUSER00001", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const TEMP: Keys = { accessKeyId: "ASIAEXAMPLETEMP00001", secretAccessKey: "temporarySecretEXAMPLEKEY/0123456789abcd", sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//token+==" };
const OLD: Keys = { accessKeyId: "ASIAEXAMPLEOLD000001", secretAccessKey: "oldSecretEXAMPLEKEY", sessionToken: "old-token" };

const store = new Map<string, SigningCredential & { who: string }>([
  [USER.accessKeyId, { secretAccessKey: USER.secretAccessKey, who: "alice" }],
  [TEMP.accessKeyId, { secretAccessKey: TEMP.secretAccessKey, sessionToken: TEMP.sessionToken, expiration: at(minutes(60)), who: "alice-session" }],
  [OLD.accessKeyId, { secretAccessKey: OLD.secretAccessKey, sessionToken: OLD.sessionToken, expiration: at(-1000), who: "old-session" }],
]);

const verifierAt = (now: Date, extra: { enforcePresignedExpires?: boolean } = {}) =>
  createSigV4Verifier({ lookup: (id) => store.get(id), now: () => now, ...extra });
const verifier = verifierAt(NOW);

async function rejected(req: SignableRequest | Promise<SignableRequest>, code: string, message?: string | RegExp, v = verifier): Promise<StsError> {
  try {
    await v.verify(await req);
  } catch (err) {
    assert.ok(err instanceof StsError, String(err));
    assert.equal(err.code, code, err.message);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe("header form (Authorization: AWS4-HMAC-SHA256 …)", () => {
  test("a correctly signed request verifies and reports key, region and signing time", async () => {
    const caller = await verifier.verify(await signHeaderForm(USER));
    assert.equal(caller.accessKeyId, USER.accessKeyId);
    assert.equal(caller.region, "us-east-1");
    assert.equal(caller.signedAt.toISOString(), NOW.toISOString());
    assert.equal(caller.form, "header");
    assert.equal(caller.credential.who, "alice");
  });

  test("any well-formed region is accepted and recorded", async () => {
    const caller = await verifier.verify(await signHeaderForm(USER, {}, { region: "ap-southeast-2" }));
    assert.equal(caller.region, "ap-southeast-2");
  });

  test("a tampered body fails (the body hash is signed)", async () => {
    const req = await signHeaderForm(USER);
    await rejected({ ...req, body: Buffer.from(BODY.replace("GetCallerIdentity", "AssumeRole")) }, "SignatureDoesNotMatch");
    await rejected({ ...req, body: Buffer.from(`${BODY}&Extra=1`) }, "SignatureDoesNotMatch");
  });

  test("a tampered signed header fails; an unsigned header may change", async () => {
    const req = await signHeaderForm(USER, { headers: { "x-amz-meta-purpose": "login" } });
    await rejected(withHeaders(req, { "x-amz-meta-purpose": "admin" }), "SignatureDoesNotMatch");
    await rejected(withHeaders(req, { host: "evil.example:4000" }), "SignatureDoesNotMatch");
    await rejected(withHeaders(req, { "x-amz-meta-purpose": undefined }), "SignatureDoesNotMatch");
    assert.ok(await verifier.verify(withHeaders(req, { "user-agent": "changed", "x-unsigned": "1" })));
  });

  test("header values are canonicalized (trimmed, inner spaces collapsed) as SigV4 says", async () => {
    const req = await signHeaderForm(USER, { headers: { "x-amz-meta-note": "a b" } });
    assert.ok(await verifier.verify(withHeaders(req, { "x-amz-meta-note": "  a    b " })));
  });

  test("the wrong secret fails with AWS's SignatureDoesNotMatch message", async () => {
    await rejected(
      signHeaderForm({ ...USER, secretAccessKey: "not-the-secret" }),
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  });

  test("an unknown access key is InvalidClientTokenId (403)", async () => {
    const e = await rejected(signHeaderForm({ ...USER, accessKeyId: "AKIDUNKNOWN000000001" }), "InvalidClientTokenId", "The security token included in the request is invalid.");
    assert.equal(e.httpStatus, 403);
    // ids outside accessKeyIdType (\w, 16–128) are never looked up
    await rejected(signHeaderForm({ ...USER, accessKeyId: "short" }), "InvalidClientTokenId");
    await rejected(signHeaderForm({ ...USER, accessKeyId: "AKID-WITH-DASH-00001" }), "InvalidClientTokenId");
  });

  test("query parameters of a signed GET are canonicalized (order does not matter, values re-encoded)", async () => {
    const req = await signHeaderForm(USER, { method: "GET", query: { Version: "2011-06-15", Action: "GetCallerIdentity", Note: "a b+c/é" } });
    assert.ok(await verifier.verify(req));
    const reordered = { ...req, rawQuery: req.rawQuery.split("&").reverse().join("&") };
    assert.ok(await verifier.verify(reordered));
    await rejected(withQuery(req, (q) => q.set("Action", "AssumeRole")), "SignatureDoesNotMatch");
    await rejected({ ...req, rawQuery: `${req.rawQuery}&Extra=1` }, "SignatureDoesNotMatch");
  });

  test("the path is signed", async () => {
    const req = await signHeaderForm(USER, { path: "/sts/" });
    assert.ok(await verifier.verify(req));
    await rejected({ ...req, path: "/other/" }, "SignatureDoesNotMatch");
  });
});

describe("credential scope", () => {
  test("service must be sts", async () => {
    const e = await rejected(signHeaderForm(USER, {}, { service: "iam" }), "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'.");
    assert.equal(e.httpStatus, 403);
  });

  test("terminator, region and date faults are reported together", async () => {
    const req = await signHeaderForm(USER);
    const auth = req.headers.authorization!.replace("/us-east-1/sts/aws4_request", "/US_EAST/sts/aws5_request").replace("/20260304/", "/20260303/");
    await rejected(
      withHeaders(req, { authorization: auth }),
      "SignatureDoesNotMatch",
      "Credential should be scoped to a valid region, not 'US_EAST'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260303' != '20260304', from '20260304T050607Z'.",
    );
  });

  test("a credential without five elements is IncompleteSignature", async () => {
    const req = await signHeaderForm(USER);
    await rejected(withHeaders(req, { authorization: req.headers.authorization!.replace("/us-east-1/", "/") }), "IncompleteSignature", /5 slash-delimited/);
  });
});

describe("clock skew: 15 minutes (security.md §0, §4.1)", () => {
  test("16 minutes old → 'Signature expired: … (… - 15 min.)'", async () => {
    await rejected(
      signHeaderForm(USER, {}, { signingDate: at(-minutes(16)) }),
      "SignatureDoesNotMatch",
      "Signature expired: 20260304T045007Z is now earlier than 20260304T045107Z (20260304T050607Z - 15 min.)",
    );
  });

  test("16 minutes ahead → 'Signature not yet current: … (… + 15 min.)'", async () => {
    await rejected(
      signHeaderForm(USER, {}, { signingDate: at(minutes(16)) }),
      "SignatureDoesNotMatch",
      "Signature not yet current: 20260304T052207Z is still later than 20260304T052107Z (20260304T050607Z + 15 min.)",
    );
  });

  test("exactly ±15 minutes passes, one second more fails", async () => {
    const req = await signHeaderForm(USER);
    assert.ok(await verifierAt(at(minutes(15))).verify(req));
    assert.ok(await verifierAt(at(-minutes(15))).verify(req));
    await rejected(req, "SignatureDoesNotMatch", /^Signature expired/, verifierAt(at(minutes(15) + 1000)));
    await rejected(req, "SignatureDoesNotMatch", /^Signature not yet current/, verifierAt(at(-minutes(15) - 1000)));
  });

  test("a malformed X-Amz-Date is IncompleteSignature", async () => {
    const req = await signHeaderForm(USER);
    await rejected(withHeaders(req, { "x-amz-date": "20260230T050607Z" }), "IncompleteSignature", /ISO-8601 basic/);
    await rejected(withHeaders(req, { "x-amz-date": "2026-03-04T05:06:07Z" }), "IncompleteSignature");
  });

  test("a request dated only by the Date header is refused", async () => {
    const req = await signHeaderForm(USER);
    await rejected(withHeaders(req, { "x-amz-date": undefined, date: NOW.toUTCString() }), "IncompleteSignature", /X-Amz-Date/);
  });
});

describe("malformed or missing authentication", () => {
  test("no Authorization and no X-Amz-* query → MissingAuthenticationToken (403)", async () => {
    const req = await signHeaderForm(USER);
    const e = await rejected(withHeaders(req, { authorization: undefined }), "MissingAuthenticationToken", "Request is missing Authentication Token");
    assert.equal(e.httpStatus, 403);
  });

  test("Authorization without its parts → IncompleteSignature listing what is missing", async () => {
    const req = await signHeaderForm(USER);
    await rejected(
      withHeaders(req, { authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLEUSER00001/20260304/us-east-1/sts/aws4_request" }),
      "IncompleteSignature",
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    );
    await rejected(withHeaders(req, { authorization: "AWS4-HMAC-SHA256" }), "IncompleteSignature", /'Credential' parameter/);
  });

  test("only the exact algorithm token AWS4-HMAC-SHA256 is accepted; SigV2 is refused", async () => {
    const req = await signHeaderForm(USER);
    const auth = req.headers.authorization!;
    for (const bad of [auth.replace("AWS4-HMAC-SHA256", "aws4-hmac-sha256"), auth.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"), "AWS AKIDEXAMPLE:c2lnbmF0dXJl", "Bearer abc"]) {
      await rejected(withHeaders(req, { authorization: bad }), "IncompleteSignature", /algorithm/);
    }
  });

  test("host must be signed", async () => {
    const req = await signHeaderForm(USER);
    await rejected(
      withHeaders(req, { authorization: req.headers.authorization!.replace("SignedHeaders=content-type;host;x-amz-date", "SignedHeaders=content-type;x-amz-date") }),
      "IncompleteSignature",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  test("x-amz-date must be signed; duplicate or upper-case signed-header names are refused", async () => {
    const req = await signHeaderForm(USER);
    const auth = req.headers.authorization!;
    await rejected(withHeaders(req, { authorization: auth.replace(";x-amz-date", "") }), "IncompleteSignature", /'X-Amz-Date' must be a 'SignedHeader'/);
    await rejected(withHeaders(req, { authorization: auth.replace("content-type;host", "host;host") }), "IncompleteSignature", /more than once/);
    await rejected(withHeaders(req, { authorization: auth.replace("content-type;host", "Content-Type;host") }), "IncompleteSignature", /lower-case/);
  });

  test("a malformed signature value does not match", async () => {
    const req = await signHeaderForm(USER);
    await rejected(withHeaders(req, { authorization: req.headers.authorization!.replace(/Signature=\w+/, "Signature=abc") }), "SignatureDoesNotMatch");
    await rejected(withHeaders(req, { authorization: req.headers.authorization!.replace(/Signature=(\w+)/, (_, s: string) => `Signature=${s.toUpperCase()}`) }), "SignatureDoesNotMatch");
  });

  test("header and query authentication together → IncompleteSignature", async () => {
    const req = await signHeaderForm(USER);
    await rejected({ ...req, rawQuery: "X-Amz-Algorithm=AWS4-HMAC-SHA256" }, "IncompleteSignature", /Only one auth mechanism/);
  });
});

describe("payload hash header", () => {
  test("a matching x-amz-content-sha256 passes; a wrong one or UNSIGNED-PAYLOAD fails", async () => {
    const hash = (await import("node:crypto")).createHash("sha256").update(BODY).digest("hex");
    const req = await signHeaderForm(USER, { headers: { "x-amz-content-sha256": hash } });
    assert.ok(await verifier.verify(req));
    await rejected(withHeaders(req, { "x-amz-content-sha256": "0".repeat(64) }), "SignatureDoesNotMatch", /x-amz-content-sha256/);
    const unsigned = await signHeaderForm(USER, { headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    await rejected(unsigned, "SignatureDoesNotMatch", /x-amz-content-sha256/);
  });
});

describe("temporary credentials (security.md §4.9)", () => {
  test("the matching session token, signed, verifies", async () => {
    const caller = await verifier.verify(await signHeaderForm(TEMP));
    assert.equal(caller.sessionToken, TEMP.sessionToken);
    assert.equal(caller.credential.who, "alice-session");
  });

  test("a missing or wrong session token is InvalidClientTokenId", async () => {
    await rejected(signHeaderForm({ ...TEMP, sessionToken: undefined }), "InvalidClientTokenId", "The security token included in the request is invalid.");
    await rejected(signHeaderForm({ ...TEMP, sessionToken: `${TEMP.sessionToken}x` }), "InvalidClientTokenId");
    await rejected(signHeaderForm({ ...TEMP, sessionToken: OLD.sessionToken }), "InvalidClientTokenId");
  });

  test("a session token sent with a long-term key is InvalidClientTokenId", async () => {
    await rejected(signHeaderForm({ ...USER, sessionToken: "anything" }), "InvalidClientTokenId");
  });

  test("an unsigned session token header is refused", async () => {
    const req = await signHeaderForm({ ...TEMP, sessionToken: undefined });
    await rejected(withHeaders(req, { "x-amz-security-token": TEMP.sessionToken }), "IncompleteSignature", /'X-Amz-Security-Token' must be a 'SignedHeader'/);
  });

  test("expired temporary credentials with a valid signature → ExpiredToken (403)", async () => {
    const e = await rejected(signHeaderForm(OLD), "ExpiredToken", "The security token included in the request is expired");
    assert.equal(e.httpStatus, 403);
  });

  test("expired credentials with a bad signature report the signature", async () => {
    await rejected(signHeaderForm({ ...OLD, secretAccessKey: "wrong" }), "SignatureDoesNotMatch");
  });
});

describe("presigned URL form (X-Amz-* query parameters)", () => {
  test("a presigned GetCallerIdentity URL with a bound header verifies (EKS-style token)", async () => {
    const req = await presign(USER, { headers: { host: HOST, "x-k8s-aws-id": "cluster-1" } });
    assert.match(req.rawQuery, /X-Amz-SignedHeaders=host%3Bx-k8s-aws-id/);
    const caller = await verifier.verify(req);
    assert.equal(caller.form, "query");
    assert.equal(caller.accessKeyId, USER.accessKeyId);
  });

  test("changing the bound header, a parameter, or the signature fails", async () => {
    const req = await presign(USER, { headers: { host: HOST, "x-k8s-aws-id": "cluster-1" } });
    await rejected(withHeaders(req, { "x-k8s-aws-id": "cluster-2" }), "SignatureDoesNotMatch");
    await rejected(withQuery(req, (q) => q.set("Action", "AssumeRole")), "SignatureDoesNotMatch");
    await rejected(withQuery(req, (q) => q.set("X-Amz-Expires", "900")), "SignatureDoesNotMatch");
    await rejected(withQuery(req, (q) => q.set("X-Amz-Signature", "0".repeat(64))), "SignatureDoesNotMatch");
  });

  test("X-Amz-Expires is signed but, as on AWS, only the 15-minute window applies", async () => {
    const req = await presign(USER, {}, { expiresIn: 60 });
    assert.ok(await verifierAt(at(minutes(10))).verify(req));
    await rejected(req, "SignatureDoesNotMatch", /^Signature expired/, verifierAt(at(minutes(16))));
  });

  test("enforcePresignedExpires (stricter than AWS) rejects a URL past X-Amz-Expires with RequestExpired", async () => {
    const req = await presign(USER, {}, { expiresIn: 60 });
    assert.ok(await verifierAt(at(59_000), { enforcePresignedExpires: true }).verify(req));
    const e = await rejected(req, "RequestExpired", "Request has expired.", verifierAt(at(61_000), { enforcePresignedExpires: true }));
    assert.equal(e.httpStatus, 400);
  });

  test("a temporary key carries X-Amz-Security-Token in the query", async () => {
    const req = await presign(TEMP);
    assert.match(req.rawQuery, /X-Amz-Security-Token=/);
    assert.ok(await verifier.verify(req));
    await rejected(withQuery(req, (q) => q.delete("X-Amz-Security-Token")), "InvalidClientTokenId");
  });

  test("missing X-Amz-* parameters → IncompleteSignature (AWS wording)", async () => {
    const req = await presign(USER);
    await rejected(
      withQuery(req, (q) => q.delete("X-Amz-Signature")),
      "IncompleteSignature",
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    );
    await rejected(withQuery(req, (q) => q.delete("X-Amz-Date")), "IncompleteSignature");
  });

  test("X-Amz-Expires outside 1–604800 or repeated auth parameters are refused", async () => {
    const req = await presign(USER);
    await rejected(withQuery(req, (q) => q.set("X-Amz-Expires", "604801")), "IncompleteSignature", /X-Amz-Expires/);
    await rejected(withQuery(req, (q) => q.set("X-Amz-Expires", "0")), "IncompleteSignature", /X-Amz-Expires/);
    await rejected(withQuery(req, (q) => q.append("X-Amz-Credential", "x")), "IncompleteSignature", /more than once/);
  });

  test("the presigned form must sign host too", async () => {
    const req = await presign(USER);
    await rejected(withQuery(req, (q) => q.set("X-Amz-SignedHeaders", "x-k8s-aws-id")), "IncompleteSignature", /'Host'/);
  });
});

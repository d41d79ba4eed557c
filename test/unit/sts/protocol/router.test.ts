// The STS endpoint over HTTP: routing, Version, auth gate, body limit, JSON, failure hygiene.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import express from "express";
import { STS_XMLNS, defineAction, stsActionParams, stsRouter } from "../../../../src/sts/protocol/index.ts";
import { EXPIRATION, fakeAssumeRoleWithWebIdentity, fakeGetCallerIdentity, postForm, startStsServer, type StsTestServer } from "./helpers.ts";

const ROLE = "arn:aws:iam::111122223333:role/Engineer";
const V = "2011-06-15";
const web = (extra: Record<string, string> = {}) => ({
  Action: "AssumeRoleWithWebIdentity",
  Version: V,
  RoleArn: ROLE,
  RoleSessionName: "alice",
  WebIdentityToken: "good-token",
  ...extra,
});

function errorOf(body: string): { type?: string; code?: string; message?: string; requestId?: string } {
  const pick = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body)?.[1];
  return { type: pick("Type"), code: pick("Code"), message: pick("Message"), requestId: pick("RequestId") };
}

let sts: StsTestServer;
before(async () => {
  sts = await startStsServer({ mount: "/sts", maxBodyBytes: 4096 });
});
after(() => sts.close());

describe("routing", () => {
  test("POST /sts and /sts/ reach the router; success is text/xml with x-amzn-RequestId", async () => {
    for (const url of [sts.url, `${sts.url}/`]) {
      const res = await fetch(url, { method: "POST", body: new URLSearchParams(web()), headers: { "content-type": "application/x-www-form-urlencoded" } });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.equal(res.headers.get("content-type"), "text/xml");
      assert.equal(res.headers.get("cache-control"), "no-store");
      const rid = res.headers.get("x-amzn-requestid");
      assert.ok(rid);
      assert.match(body, new RegExp(`^<AssumeRoleWithWebIdentityResponse xmlns="${STS_XMLNS}">`));
      assert.match(body, new RegExp(`<RequestId>${rid}</RequestId>`));
      assert.match(body, /<Expiration>2031-05-06T07:08:09.123Z<\/Expiration>/);
    }
  });

  test("GET with a query string is the same request", async () => {
    const res = await fetch(`${sts.url}/?${new URLSearchParams(web())}`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<AssumedRoleId>AROAEXAMPLEROLE00001:alice<\/AssumedRoleId>/);
  });

  test("no Action → MissingAction 400", async () => {
    const res = await postForm(sts.url, { Version: V });
    const e = errorOf(await res.text());
    assert.equal(res.status, 400);
    assert.equal(e.code, "MissingAction");
    assert.equal(e.type, "Sender");
  });

  test("unknown Action → InvalidAction 'Could not find operation … for version …'", async () => {
    const res = await postForm(sts.url, { Action: "NoSuchAction", Version: V });
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.deepEqual(errorOf(body).message, "Could not find operation NoSuchAction for version 2011-06-15");
    assert.match(body, /^<ErrorResponse xmlns="http:\/\/webservices\.amazon\.com\/AWSFault\/2005-15-09">/);
  });

  test("missing, empty or other Version → InvalidAction (real STS wording)", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ Action: "AssumeRoleWithWebIdentity" }, "Could not find operation AssumeRoleWithWebIdentity for version NO_VERSION_SPECIFIED"],
      [{ Action: "AssumeRoleWithWebIdentity", Version: "" }, "Could not find operation AssumeRoleWithWebIdentity for version "],
      [{ Action: "AssumeRoleWithWebIdentity", Version: "2000-01-01" }, "Could not find operation AssumeRoleWithWebIdentity for version 2000-01-01"],
      [{ Action: "", Version: V }, "Could not find operation  for version 2011-06-15"],
    ];
    for (const [form, message] of cases) {
      const res = await postForm(sts.url, form);
      const e = errorOf(await res.text());
      assert.equal(res.status, 400);
      assert.equal(e.code, "InvalidAction");
      assert.equal(e.message, message);
    }
  });

  test("Action names are not looked up on Object.prototype", async () => {
    const res = await postForm(sts.url, { Action: "constructor", Version: V });
    assert.equal(errorOf(await res.text()).code, "InvalidAction");
  });

  test("validation failures reach the client as ValidationError", async () => {
    const res = await postForm(sts.url, web({ RoleSessionName: "bad/name" }));
    const e = errorOf(await res.text());
    assert.equal(res.status, 400);
    assert.equal(e.code, "ValidationError");
    assert.equal(e.message, String.raw`1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`);
  });

  test("a SigV4 action without any signature → MissingAuthenticationToken 403, before parameter validation", async () => {
    const res = await postForm(sts.url, { Action: "AssumeRole", Version: V, RoleSessionName: "x" });
    const e = errorOf(await res.text());
    assert.equal(res.status, 403);
    assert.equal(e.code, "MissingAuthenticationToken");
    assert.equal(e.message, "Request is missing Authentication Token");
  });
});

describe("JSON (Accept: application/json)", () => {
  test("success: {OpResponse:{OpResult,ResponseMetadata}} with epoch-second Expiration", async () => {
    const res = await postForm(sts.url, web(), { accept: "application/json" });
    assert.equal(res.headers.get("content-type"), "application/json");
    const json = (await res.json()) as { AssumeRoleWithWebIdentityResponse: { AssumeRoleWithWebIdentityResult: { Credentials: { Expiration: number } }; ResponseMetadata: { RequestId: string } } };
    const r = json.AssumeRoleWithWebIdentityResponse;
    assert.equal(r.AssumeRoleWithWebIdentityResult.Credentials.Expiration, Math.floor(EXPIRATION.getTime() / 1000));
    assert.equal(r.ResponseMetadata.RequestId, res.headers.get("x-amzn-requestid"));
  });

  test("error: {Error:{Code,Message,Type},RequestId}", async () => {
    const res = await postForm(sts.url, web({ WebIdentityToken: "reject-claim" }), { accept: "application/json" });
    assert.equal(res.status, 403);
    const json = (await res.json()) as { Error: { Code: string; Message: string; Type: string }; RequestId: string };
    assert.deepEqual(json.Error, { Code: "IDPRejectedClaim", Message: "Token audience is not allowed", Type: "Sender" });
    assert.equal(json.RequestId, res.headers.get("x-amzn-requestid"));
  });
});

describe("body limit", () => {
  test("a declared Content-Length over the limit → 413 RequestEntityTooLarge, connection closed", async () => {
    const res = await postForm(sts.url, web({ Policy: "p".repeat(5000) }));
    assert.equal(res.status, 413);
    assert.equal(res.headers.get("connection"), "close");
    assert.equal(errorOf(await res.text()).code, "RequestEntityTooLarge");
  });

  test("a chunked body that grows over the limit is cut off the same way", async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${sts.url}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.write(`Action=AssumeRoleWithWebIdentity&Version=${V}&Policy=`);
      for (let i = 0; i < 8; i++) req.write("p".repeat(1024));
      req.end();
    });
    assert.equal(status, 413);
    assert.equal(errorOf(body).code, "RequestEntityTooLarge");
  });

  test("the server keeps serving afterwards", async () => {
    assert.equal((await postForm(sts.url, web())).status, 200);
  });
});

describe("failures never leak internals", () => {
  test("an unexpected exception → 500 InternalFailure, fixed message, logged with the cause", async () => {
    const before = sts.logged.length;
    const res = await postForm(sts.url, web({ WebIdentityToken: "crash" }));
    const body = await res.text();
    assert.equal(res.status, 500);
    const e = errorOf(body);
    assert.equal(e.code, "InternalFailure");
    assert.equal(e.type, "Receiver");
    assert.doesNotMatch(body, /secret internal detail|db\.ts|at .*\(/);
    assert.equal(sts.logged.length, before + 1);
    assert.match(String((sts.logged.at(-1) as { err: Error }).err.message), /secret internal detail/);
  });

  test("modeled errors are not logged as failures", async () => {
    const before = sts.logged.length;
    await postForm(sts.url, web({ WebIdentityToken: "expired-token" }));
    assert.equal(sts.logged.length, before);
  });

  test("every answered request is audited once, with outcome and code", async () => {
    const before = sts.audits.length;
    await postForm(sts.url, web({ WebIdentityToken: "deny-access" }));
    await postForm(sts.url, web());
    const [denied, ok] = sts.audits.slice(before);
    assert.equal(denied?.outcome, "denied");
    assert.equal(denied?.errorCode, "AccessDenied");
    assert.equal(denied?.action, "AssumeRoleWithWebIdentity");
    assert.equal(ok?.outcome, "success");
    assert.equal(ok?.httpStatus, 200);
  });
});

describe("hostile input is answered, never crashes", () => {
  const corpus: Array<[string, string]> = [
    ["invalid percent-encoding", `Action=AssumeRoleWithWebIdentity&Version=${V}&RoleArn=%E0%A4%A&RoleSessionName=%%%`],
    ["binary garbage", "\u0000\u00ff\ud800garbage=\u0001&&&==="],
    ["prototype names", `Action=AssumeRoleWithWebIdentity&Version=${V}&__proto__.RoleArn=x&constructor.prototype.x=1&Tags.__proto__.member.1=x`],
    ["huge list index", `Action=AssumeRole&Version=${V}&Tags.member.99999999999.Key=a`],
    ["deep dotted name", `Action=AssumeRoleWithWebIdentity&Version=${V}&${"a.".repeat(1500)}b=1`],
    ["control characters echoed in a validation message", `Action=AssumeRoleWithWebIdentity&Version=${V}&RoleArn=${ROLE}&RoleSessionName=%00%01%1F%EF%BF%BE&WebIdentityToken=tttt`],
    ["markup in the action name", `Action=%3C%2FCode%3E%3CCode%3EOwned&Version=${V}`],
  ];
  for (const [name, body] of corpus) {
    test(name, async () => {
      const res = await postForm(sts.url, body);
      const text = await res.text();
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${text}`);
      assert.match(text, /^<ErrorResponse xmlns="[^"]+">\n  <Error>\n    <Type>Sender<\/Type>/);
      assert.equal((text.match(/<Code>/g) ?? []).length, 1);
      assert.doesNotMatch(text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE]/);
    });
  }
});

describe("router construction", () => {
  test("a SigV4 action without a verifier is refused at startup", () => {
    assert.throws(() => stsRouter({ actions: [fakeGetCallerIdentity] }), /needs SigV4/);
  });
  test("an action registered twice is refused", () => {
    assert.throws(() => stsRouter({ actions: [fakeAssumeRoleWithWebIdentity, fakeAssumeRoleWithWebIdentity] }), /twice/);
  });
  test("defineAction refuses names that cannot be operation names", () => {
    assert.throws(() => defineAction({ name: "bad name", auth: "none", params: {}, handler: () => ({}) }));
    assert.throws(() => defineAction({ name: "x<y", auth: "none", params: stsActionParams.GetCallerIdentity, handler: () => ({}) }));
  });
  test("a body parser mounted before the router is a loud InternalFailure, not a hang", async () => {
    const logged: object[] = [];
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(stsRouter({ actions: [fakeAssumeRoleWithWebIdentity], logger: { error: (o) => void logged.push(o) } }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const { port } = server.address() as { port: number };
      const res = await postForm(`http://127.0.0.1:${port}`, web());
      assert.equal(res.status, 500);
      assert.equal(errorOf(await res.text()).code, "InternalFailure");
      assert.match(String((logged[0] as { err: Error }).err.message), /raw request body/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

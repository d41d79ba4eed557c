// reference/sts.md §1.4 error rows reachable over HTTP with the exact code and status, and
// SigV4 tampering (security.md §4): body, headers, date/skew, scope, algorithm, missing parts.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { SignatureV4 } from "@smithy/signature-v4";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { iamUser, listen, mintIdToken, type Listening } from "../../helpers/sts.ts";

class Sha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
  }
  update(d: string | Uint8Array) {
    this.h.update(d);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const BODY = "Action=GetCallerIdentity&Version=2011-06-15";

async function sign(url: string, keys: Keys, body = BODY, o: { date?: Date; region?: string; service?: string } = {}) {
  const u = new URL(url);
  const signer = new SignatureV4({ service: o.service ?? "sts", region: o.region ?? "us-east-1", credentials: keys, sha256: Sha256 as never, applyChecksum: false });
  const req = await signer.sign(
    { method: "POST", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body },
    { signingDate: o.date },
  );
  return { headers: req.headers as Record<string, string>, body };
}

async function send(url: string, r: { headers: Record<string, string>; body: string }) {
  const headers = { ...r.headers };
  delete headers.host;
  const res = await fetch(url, { method: "POST", headers, body: r.body });
  const text = await res.text();
  return { status: res.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1], text };
}

function expectError(r: { status: number; code?: string; text: string }, code: string, status: number) {
  assert.equal(r.code, code, r.text);
  assert.equal(r.status, status, r.text);
}

for (const backend of testBackends()) {
  describe(`STS wire errors and SigV4 tampering (${backend})`, () => {
    let t: TestApp;
    let srv: Listening;
    let keys: Keys;
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_STS_DISABLED_REGIONS: "ap-east-1" } });
      srv = await listen(t.app);
      keys = (await iamUser(t.services, "wire-user")).credentials;
    });
    after(async () => {
      await srv.close();
      await t.close();
    });

    test("a correctly signed request succeeds (control)", async () => {
      const r = await send(srv.endpoint, await sign(srv.endpoint, keys));
      assert.equal(r.status, 200, r.text);
    });

    describe("SigV4 tampering", () => {
      test("body changed after signing → SignatureDoesNotMatch 403", async () => {
        const s = await sign(srv.endpoint, keys, "Action=GetSessionToken&Version=2011-06-15");
        expectError(await send(srv.endpoint, { ...s, body: "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129600" }), "SignatureDoesNotMatch", 403);
      });
      test("a signed header changed → SignatureDoesNotMatch 403", async () => {
        const s = await sign(srv.endpoint, keys);
        expectError(await send(srv.endpoint, { ...s, headers: { ...s.headers, "content-type": "application/x-www-form-urlencoded" } }), "SignatureDoesNotMatch", 403);
      });
      test("X-Amz-Date changed → SignatureDoesNotMatch 403", async () => {
        const s = await sign(srv.endpoint, keys);
        const d = s.headers["x-amz-date"]!;
        const later = d.slice(0, 13) + String((Number(d.slice(13, 15)) + 1) % 60).padStart(2, "0") + d.slice(15);
        expectError(await send(srv.endpoint, { ...s, headers: { ...s.headers, "x-amz-date": later } }), "SignatureDoesNotMatch", 403);
      });
      test("wrong secret → SignatureDoesNotMatch 403", async () => {
        expectError(await send(srv.endpoint, await sign(srv.endpoint, { ...keys, secretAccessKey: "x".repeat(40) })), "SignatureDoesNotMatch", 403);
      });
      test("skew beyond 15 minutes either way → SignatureDoesNotMatch 403 with AWS's wording", async () => {
        const old = await send(srv.endpoint, await sign(srv.endpoint, keys, BODY, { date: new Date(Date.now() - 16 * 60_000) }));
        expectError(old, "SignatureDoesNotMatch", 403);
        assert.match(old.message!, /^Signature expired: /);
        const future = await send(srv.endpoint, await sign(srv.endpoint, keys, BODY, { date: new Date(Date.now() + 16 * 60_000) }));
        expectError(future, "SignatureDoesNotMatch", 403);
        assert.match(future.message!, /^Signature not yet current: /);
        assert.equal((await send(srv.endpoint, await sign(srv.endpoint, keys, BODY, { date: new Date(Date.now() - 14 * 60_000) }))).status, 200);
      });
      test("scope: another service → SignatureDoesNotMatch 403", async () => {
        expectError(await send(srv.endpoint, await sign(srv.endpoint, keys, BODY, { service: "s3" })), "SignatureDoesNotMatch", 403);
      });
      test("algorithm token other than AWS4-HMAC-SHA256, or a mangled Authorization → IncompleteSignature 400", async () => {
        const s = await sign(srv.endpoint, keys);
        const r = await send(srv.endpoint, { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace("AWS4-HMAC-SHA256", "aws4-hmac-sha256") } });
        assert.ok(["IncompleteSignature", "MissingAuthenticationToken"].includes(r.code!), r.text);
        expectError(await send(srv.endpoint, { ...s, headers: { ...s.headers, authorization: "AWS4-HMAC-SHA256 Credential=garbage" } }), "IncompleteSignature", 400);
      });
      test("no signature → MissingAuthenticationToken 403", async () => {
        const r = await fetch(srv.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: BODY });
        const text = await r.text();
        assert.equal(r.status, 403);
        assert.match(text, /<Code>MissingAuthenticationToken<\/Code>/);
      });
      test("presigned GetCallerIdentity URL (query form): valid, and a tampered query parameter", async () => {
        const u = new URL(srv.endpoint);
        const signer = new SignatureV4({ service: "sts", region: "us-east-1", credentials: keys, sha256: Sha256 as never, applyChecksum: false });
        const presigned = await signer.presign(
          { method: "GET", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, headers: { host: u.host } },
          { expiresIn: 60 },
        );
        const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
        const ok = await fetch(`${srv.endpoint}?${qs}`);
        const text = await ok.text();
        assert.equal(ok.status, 200, text);
        assert.match(text, /<Arn>arn:aws:iam::111122223333:user\/wire-user<\/Arn>/);
        const tampered = await fetch(`${srv.endpoint}?${qs.replace("GetCallerIdentity", "GetSessionToken")}`);
        assert.equal(tampered.status, 403);
        assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
      });
      test("unknown access key → InvalidClientTokenId 403", async () => {
        expectError(await send(srv.endpoint, await sign(srv.endpoint, { accessKeyId: "AKIAAAAAAAAAAAAAAAAA", secretAccessKey: "x" })), "InvalidClientTokenId", 403);
      });
    });

    describe("protocol and action errors", () => {
      test("RegionDisabledException 403 for a disabled region", async () => {
        const s = await sign(srv.endpoint, keys, "Action=GetSessionToken&Version=2011-06-15", { region: "ap-east-1" });
        expectError(await send(srv.endpoint, s), "RegionDisabledException", 403);
      });
      test("MissingAction, InvalidAction (unknown action or version), MalformedInput", async () => {
        const post = (body: string) => fetch(srv.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
        const codeOf = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
        let r = await post("Version=2011-06-15");
        assert.equal(r.status, 400);
        assert.equal(codeOf(r.text), "MissingAction");
        r = await post("Action=DecodeAuthorizationMessage&Version=2011-06-15");
        assert.equal(codeOf(r.text), "InvalidAction");
        r = await post("Action=AssumeRoleWithWebIdentity&Version=2010-01-01");
        assert.equal(codeOf(r.text), "InvalidAction");
        r = await post("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::111122223333:role/Engineer&RoleSessionName=ab&WebIdentityToken=xxxx&DurationSeconds=abc");
        assert.equal(codeOf(r.text), "MalformedInput");
        r = await post("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::111122223333:role/Engineer&RoleSessionName=ab&WebIdentityToken=xxxx&ProviderId=www.amazon.com");
        assert.equal(codeOf(r.text), "InvalidParameterValue");
      });
      test("JSON errors when asked with Accept: application/json", async () => {
        const r = await fetch(srv.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: BODY });
        const json = (await r.json()) as { Error: { Code: string } };
        assert.equal(json.Error.Code, "MissingAuthenticationToken");
      });
    });

    test("Throttling (400) when IDP_STS_MAX_INFLIGHT requests are in progress", async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const slow = http.createServer(async (_q, s) => {
        await held;
        s.writeHead(500).end();
      });
      await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
      const issuer = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
      const busy = await startTestApp(backend, { env: { IDP_STS_MAX_INFLIGHT: "1", IDP_STS_JWKS_TIMEOUT_MS: "10000" } });
      const busySrv = await listen(busy.app);
      try {
        await busy.services.sts.providers.addOidcProvider({ accountId: "111122223333", url: issuer, clientIds: ["c"] });
        const token = await mintIdToken(busy.services, { claims: { iss: issuer, aud: "c" } });
        const body = new URLSearchParams({ Action: "AssumeRoleWithWebIdentity", Version: "2011-06-15", RoleArn: "arn:aws:iam::111122223333:role/Engineer", RoleSessionName: "ab", WebIdentityToken: token }).toString();
        const post = () => fetch(busySrv.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
        const first = post();
        await new Promise((r) => setTimeout(r, 300)); // the first request is now waiting on the IdP
        const second = await post();
        const text = await second.text();
        assert.equal(second.status, 400);
        assert.match(text, /<Code>Throttling<\/Code>/);
        release();
        assert.match(await (await first).text(), /IDPCommunicationError/);
        // the turned-away request counts once, under no action (it was never routed)
        const metrics = (await busy.request.get("/metrics")).text;
        assert.match(metrics, /^idp_sts_requests_total\{action="unknown",outcome="failure",code="Throttling"\} 1$/m);
        assert.match(metrics, /^idp_sts_requests_total\{action="AssumeRoleWithWebIdentity",outcome="failure",code="IDPCommunicationError"\} 1$/m);
      } finally {
        release();
        slow.closeAllConnections();
        slow.close();
        await busySrv.close();
        await busy.close();
      }
    });

    // Closing the embedded database makes it unavailable at once; a PostgreSQL pool would need the
    // server itself stopped, which a shared test server cannot do.
    if (backend === "pglite") test("ServiceUnavailable (503) when the database is gone, and nothing crashes", async () => {
      const doomed = await startTestApp(backend);
      try {
        const token = await mintIdToken(doomed.services);
        await doomed.testDb.db.close();
        const r = await doomed.request.post("/sts").type("form").send({ Action: "AssumeRoleWithWebIdentity", Version: "2011-06-15", RoleArn: "arn:aws:iam::111122223333:role/Engineer", RoleSessionName: "ab", WebIdentityToken: token });
        assert.equal(r.status, 503, r.text);
        assert.match(r.text, /<Code>ServiceUnavailable<\/Code>/);
        assert.doesNotMatch(r.text, /at .*\.ts:\d+/, "no stack trace");
      } finally {
        await doomed.close().catch(() => {});
      }
    });
  });
}

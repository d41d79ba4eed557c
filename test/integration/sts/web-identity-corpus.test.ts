// security.md §3.1: the JWT consumer corpus against AssumeRoleWithWebIdentity, plus external OIDC
// providers (discovery + JWKS over HTTP: success, mix-up, unreachable, timeout).
import assert from "node:assert/strict";
import { generateKeyPairSync, createPublicKey, sign } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { SignJWT, exportJWK } from "jose";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { ENGINEER, FINANCE, mintIdToken, webIdentityCall, type StsReply } from "../../helpers/sts.ts";

const b64u = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

function rejected(r: StsReply, code = "InvalidIdentityToken", status = 400): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.code, code, r.text);
}

for (const backend of testBackends()) {
  describe(`AssumeRoleWithWebIdentity token corpus (${backend})`, () => {
    let t: TestApp;
    const call = (token: string, role = ENGINEER) => webIdentityCall(t.request, token, role);
    const mint = (o: Parameters<typeof mintIdToken>[1] = {}) => mintIdToken(t.services, o);
    const attacker = generateKeyPairSync("rsa", { modulusLength: 2048 });
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    test("positive control", async () => assert.equal((await call(await mint())).status, 200));

    test("1. alg none (all spellings, with and without a signature)", async () => {
      const good = await mint();
      const [, payload, sig] = good.split(".");
      for (const alg of ["none", "None", "NONE", "nOnE"]) {
        rejected(await call(`${b64u({ alg, typ: "JWT" })}.${payload}.`));
        rejected(await call(`${b64u({ alg, typ: "JWT" })}.${payload}.${sig}`));
      }
    });

    test("2. RS256→HS256 confusion with the public key as secret, and other algorithms", async () => {
      const key = t.services.keys.activeKey();
      const pub = key.publicKey;
      const secrets = [
        pub.export({ type: "spki", format: "pem" }).toString(),
        pub.export({ type: "pkcs1", format: "pem" }).toString(),
        pub.export({ type: "spki", format: "der" }),
        JSON.stringify(key.publicJwk),
        Buffer.from(key.publicJwk.n, "base64url"),
        key.publicJwk.n,
      ];
      const claims = { iss: t.config.baseUrl, sub: "u-0001-admin", aud: "mobile-app", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 };
      for (const secret of secrets) {
        const token = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: key.kid }).sign(typeof secret === "string" ? Buffer.from(secret) : secret);
        rejected(await call(token));
      }
      const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
      rejected(await call(await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: key.kid }).sign(ec.privateKey)));
      rejected(await call(await new SignJWT(claims).setProtectedHeader({ alg: "PS256", kid: key.kid }).sign(attacker.privateKey)));
      rejected(await call(await mint({ privateKey: attacker.privateKey })), "InvalidIdentityToken");
    });

    test("3. kid: unknown, path/URL/SQL-ish, absent with several keys; a retired key still published verifies", async () => {
      for (const kid of ["unknown-kid", "../../../../dev/null", "http://127.0.0.1:9/jwks", "' OR 1=1 --"]) rejected(await call(await mint({ kid })));
      assert.ok(t.services.keys.jwks().keys.length > 1, "the built-in JWKS publishes active and next keys");
      rejected(await call(await mint({ kid: null })));
      const token = await mint();
      await t.services.keys.rotate("test");
      assert.equal((await call(token)).status, 200, "tokens signed by the just-retired key verify while it is published");
    });

    test("4. jku / x5u / jwk / x5c headers are never used", async () => {
      const jwk = await exportJWK(createPublicKey(attacker.privateKey));
      for (const header of [{ jku: "http://127.0.0.1:9/jwks.json" }, { x5u: "http://127.0.0.1:9/cert.pem" }, { jwk }, { x5c: ["MIIB"] }]) {
        rejected(await call(await mint({ privateKey: attacker.privateKey, kid: "attacker", header })));
      }
    });

    test("5. time: exp past, exp missing, exp as string, nbf and iat in the future", async () => {
      const now = Math.floor(Date.now() / 1000);
      rejected(await call(await mint({ claims: { exp: now - 120, iat: now - 600 } })), "ExpiredTokenException");
      rejected(await call(await mint({ claims: { exp: undefined } })));
      rejected(await call(await mint({ claims: { exp: String(now + 300) } })));
      rejected(await call(await mint({ claims: { nbf: now + 600 } })));
      rejected(await call(await mint({ claims: { iat: now + 600 } })));
      rejected(await call(await mint({ claims: { iat: undefined } })));
    });

    test("6. iss and aud", async () => {
      const r = await call(await mint({ claims: { iss: "https://evil.example" } }));
      rejected(r);
      assert.match(r.message!, /No OpenIDConnect provider found in your account for https:\/\/evil\.example/);
      rejected(await call(await mint({ claims: { iss: `${t.config.baseUrl}/` } })));
      rejected(await call(await mint({ claims: { iss: undefined } })));
      rejected(await call(await mint({ claims: { iss: "" } })));
      for (const aud of [undefined, "someone-else", ["mobile-app", "evil"]]) {
        const reply = await call(await mint({ claims: { aud } }));
        rejected(reply);
      }
      rejected(await call(await mint({ claims: { aud: ["mobile-app", "evil"], azp: "evil" } })));
      assert.equal((await call(await mint({ claims: { aud: ["mobile-app", "other"], azp: "mobile-app" } }))).status, 200);
    });

    test("7. sub: missing, non-string, array; claims in the header are ignored", async () => {
      for (const sub of [undefined, 12345678, ["u-0001-alice"], "short"]) rejected(await call(await mint({ claims: { sub } })));
      const r = await call(await mint({ header: { sub: "u-0001-admin" } }));
      assert.equal(r.status, 200);
      assert.equal(r.field("SubjectFromWebIdentityToken"), "u-0001-alice");
    });

    test("8. token substitution: access token, logout token, JWE", async () => {
      rejected(await call(await mint({ header: { typ: "at+jwt" } })));
      rejected(await call(await mint({ claims: { events: { "http://schemas.openid.net/event/backchannel-logout": {} } } })));
      rejected(await call(`${b64u({ alg: "RSA-OAEP", enc: "A256GCM" })}.AAAA.AAAA.AAAA.AAAA`));
    });

    test("10. encoding: trailing data, extra segments, padding, whitespace, JSON serialization, crit, oversize", async () => {
      const good = await mint();
      for (const bad of [`${good}.x`, `${good}x`, `${good}=`, ` ${good}`, `${good.replace(".", ". ")}`, JSON.stringify({ payload: good.split(".")[1], signatures: [] })]) {
        const r = await call(bad);
        assert.equal(r.status, 400, r.text);
        assert.equal(r.code, "InvalidIdentityToken");
      }
      // hand-signed: jose refuses to produce these headers
      const key = t.services.keys.activeKey();
      const payload = JSON.parse(Buffer.from(good.split(".")[1]!, "base64url").toString());
      for (const header of [{ alg: "RS256", kid: key.kid, crit: ["x-unknown"], "x-unknown": 1 }, { alg: "RS256", kid: key.kid, crit: ["b64"], b64: false }]) {
        const input = `${b64u(header)}.${b64u(payload)}`;
        rejected(await call(`${input}.${sign("sha256", Buffer.from(input), key.privateKey).toString("base64url")}`));
      }
      rejected(await call(await mint({ claims: { pad: "x".repeat(13_000) } })));
    });

    test("IDPRejectedClaim (403) when the built-in IdP's roles claim does not name the role", async () => {
      rejected(await call(await mint(), FINANCE), "IDPRejectedClaim", 403);
    });
  });

  describe(`external OIDC providers (${backend})`, () => {
    let t: TestApp;
    let server: http.Server;
    let issuer: string;
    let mode: "ok" | "mixup" | "hang" | "500" = "ok";
    const idp = generateKeyPairSync("rsa", { modulusLength: 2048 });
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_STS_JWKS_TIMEOUT_MS: "300" } });
      const jwk = { ...(await exportJWK(createPublicKey(idp.privateKey))), kid: "ext-1", alg: "RS256", use: "sig" };
      server = http.createServer((req, res) => {
        if (mode === "hang") return;
        if (mode === "500") return void res.writeHead(500).end();
        res.setHeader("content-type", "application/json");
        if (req.url === "/.well-known/openid-configuration") res.end(JSON.stringify({ issuer: mode === "mixup" ? "https://evil.example" : issuer, jwks_uri: `${issuer}/jwks` }));
        else res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await t.services.sts.providers.addOidcProvider({ accountId: "111122223333", url: issuer, clientIds: ["ext-client"] });
    });
    after(async () => {
      server.closeAllConnections();
      server.close();
      await t.close();
    });
    const token = () =>
      new SignJWT({ sub: "external-user-1", aud: "ext-client" }).setProtectedHeader({ alg: "RS256", kid: "ext-1" }).setIssuer(issuer).setIssuedAt().setExpirationTime("5m").sign(idp.privateKey);

    test("a verified external token reaches the trust policy (which does not trust it: AccessDenied)", async () => {
      mode = "ok";
      const r = await webIdentityCall(t.request, await token());
      rejected(r, "AccessDenied", 403);
      assert.match(r.message!, /sts:AssumeRoleWithWebIdentity/);
    });
    test("discovery issuer mismatch → IDPCommunicationError", async () => {
      const fresh = await startTestApp(backend, { env: { IDP_STS_JWKS_TIMEOUT_MS: "300" } });
      try {
        await fresh.services.sts.providers.addOidcProvider({ accountId: "111122223333", url: issuer, clientIds: ["ext-client"] });
        mode = "mixup";
        rejected(await webIdentityCall(fresh.request, await token()), "IDPCommunicationError");
        mode = "500";
        rejected(await webIdentityCall(fresh.request, await token()), "IDPCommunicationError");
        mode = "hang";
        rejected(await webIdentityCall(fresh.request, await token()), "IDPCommunicationError");
      } finally {
        mode = "ok";
        await fresh.close();
      }
    });
    test("an unreachable issuer → IDPCommunicationError", async () => {
      await t.services.sts.providers.addOidcProvider({ accountId: "111122223333", url: "http://127.0.0.1:9", clientIds: ["c"] });
      const tok = await new SignJWT({ sub: "external-user-1", aud: "c" }).setProtectedHeader({ alg: "RS256", kid: "x" }).setIssuer("http://127.0.0.1:9").setIssuedAt().setExpirationTime("5m").sign(idp.privateKey);
      rejected(await webIdentityCall(t.request, tok), "IDPCommunicationError");
    });
  });
}

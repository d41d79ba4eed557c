// openid-client (a certified RP library) against the running server: discovery, JWKS, and the
// authorization code flow with PKCE through the real login pages; the ID token verified with jose
// against our JWKS, with the AWS web-identity claims in the ID token itself.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { testBackends } from "../../helpers/db.ts";
import { login } from "../../helpers/browser.ts";
import { codeFlow, startOidcApp, verifyWithJwks, type OidcTestApp } from "../../helpers/oidc.ts";
import { AWS_SOURCE_IDENTITY_CLAIM, AWS_TAGS_CLAIM, ACR_PASSWORD, decodeAwsClaims } from "../../../src/oidc/index.ts";

for (const backend of testBackends()) {
  describe(`oidc code flow (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    test("discovery: issuer = base URL, RS256 only, PKCE S256, our endpoints", async () => {
      const res = await app.request.get("/.well-known/openid-configuration");
      assert.equal(res.status, 200);
      const d = res.body;
      assert.equal(d.issuer, app.base);
      assert.equal(d.jwks_uri, `${app.base}/jwks`);
      assert.deepEqual(d.id_token_signing_alg_values_supported, ["RS256"]);
      assert.deepEqual(d.code_challenge_methods_supported, ["S256"]);
      assert.equal(d.device_authorization_endpoint, `${app.base}/device/auth`);
      assert.ok(d.grant_types_supported.includes("client_credentials"));
      assert.ok(d.grant_types_supported.includes("urn:ietf:params:oauth:grant-type:device_code"));
      assert.ok(d.scopes_supported.includes("aws"));
      assert.ok(d.claims_supported.includes(AWS_TAGS_CLAIM));
      assert.ok(d.introspection_endpoint && d.revocation_endpoint && d.end_session_endpoint);
    });

    test("JWKS publishes the active and the next key, public parts only", async () => {
      const res = await app.request.get("/jwks");
      assert.equal(res.status, 200);
      const keys = JSON.parse(res.text).keys as Record<string, unknown>[];
      const published = app.t.services.keys.publishedKeys().map((k) => k.kid).sort();
      assert.deepEqual(keys.map((k) => k.kid).sort(), published);
      assert.ok(keys.length >= 2);
      for (const k of keys) {
        assert.equal(k.kty, "RSA");
        assert.equal(k.d, undefined);
        assert.equal(k.p, undefined);
      }
    });

    test("code + PKCE through the login form: ID token with profile, groups and AWS claims", async () => {
      const { tokens } = await codeFlow(app);
      assert.ok(tokens.access_token);
      assert.ok(tokens.id_token);
      const { payload, kid } = await verifyWithJwks(app.base, tokens.id_token!, "mobile-app");
      assert.equal(kid, app.t.services.keys.activeKey().kid);
      const alice = await app.t.services.directory.findUserByUsername("alice");
      assert.equal(payload.sub, alice!.id);
      assert.equal(payload.preferred_username, "alice");
      assert.equal(payload.email, "alice@example.com");
      assert.deepEqual(payload.groups, ["admins", "engineering"]);
      assert.deepEqual(payload.amr, ["pwd"]);
      assert.equal(payload.acr, ACR_PASSWORD);
      assert.deepEqual(payload[AWS_TAGS_CLAIM], { principal_tags: { CostCenter: ["1234"], Department: ["engineering"] }, transitive_tag_keys: ["CostCenter"] });
      assert.equal(payload[AWS_SOURCE_IDENTITY_CLAIM], "alice");
      assert.deepEqual(payload.roles, ["arn:aws:iam::111122223333:role/Engineer", "arn:aws:iam::111122223333:role/ReadOnly"]);
      // the STS side decodes the verified token back into the same identity facts
      const decoded = decodeAwsClaims(payload);
      assert.equal(decoded.subject, alice!.id);
      assert.deepEqual(decoded.principalTags, { CostCenter: "1234", Department: "engineering" });
      assert.deepEqual(decoded.transitiveTagKeys, ["CostCenter"]);
      assert.equal(decoded.sourceIdentity, "alice");
      assert.equal(decoded.mfa, false);
    });

    test("without the aws scope the ID token carries no AWS claims", async () => {
      const { tokens } = await codeFlow(app, { scope: "openid profile" });
      const { payload } = await verifyWithJwks(app.base, tokens.id_token!, "mobile-app");
      assert.equal(payload[AWS_TAGS_CLAIM], undefined);
      assert.equal(payload[AWS_SOURCE_IDENTITY_CLAIM], undefined);
      assert.equal(payload.groups, undefined);
    });

    test("an existing web session completes the OIDC login without a password prompt", async () => {
      const b = await login(app.request, "bob");
      let sawLogin = false;
      const { tokens } = await codeFlow(app, {
        browser: b,
        onPage: async (_b, path) => {
          if (path.startsWith("/login")) sawLogin = true;
          return undefined;
        },
      });
      assert.equal(sawLogin, false);
      const { payload } = await verifyWithJwks(app.base, tokens.id_token!, "mobile-app");
      assert.equal(payload.preferred_username, "bob");
    });

    test("userinfo answers with the same claims", async () => {
      const { config, tokens } = await codeFlow(app);
      const claims = tokens.claims()!;
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(info.preferred_username, "alice");
    });
  });
}

// The admin JSON API: bearer-token authentication (wrong audience, issuer, key, algorithm,
// expired, missing scope, read-only scope), problem+json errors, and every endpoint's success
// and validation paths, including version conflicts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { adminToken, adminTokens } from "../../helpers/admin-tokens.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { isProblem } from "../../helpers/problem.ts";
import { ROUTES } from "../../../src/admin/openapi.ts";
import { adminApiRouter } from "../../../src/admin/index.ts";

const TRUST = { Version: "2012-10-17", Statement: [{ Sid: "Saml", Effect: "Allow", Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/idp-gateway" }, Action: ["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"] }] };

for (const backend of testBackends()) {
  describe(`admin API (${backend})`, () => {
    let t: TestApp;
    let token: string;
    let readToken: string;
    before(async () => {
      t = await startTestApp(backend);
      ({ token, readToken } = await adminTokens(t.services));
    });
    after(() => t.close());

    const api = (method: "get" | "post" | "put" | "patch" | "delete", path: string, tok: string | null = token) => {
      const r = t.request[method](`/api/admin${path}`);
      return tok ? r.set("Authorization", `Bearer ${tok}`) : r;
    };
    const snap = () => t.services.directory.snapshot();

    test("the OpenAPI document is served and documents exactly the routes", async () => {
      const res = await t.request.get("/api/admin/openapi.json");
      assert.equal(res.status, 200);
      assert.equal(res.body.openapi, "3.1.0");
      assert.equal(res.body.servers[0].url, "http://127.0.0.1:4000/api/admin");
      const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
      assert.equal(documented.length, ROUTES.length);
      // the router's own table (express 5 layers) matches the document, both ways
      const routes: string[] = [];
      const walk = (stack: any[]) => {
        for (const layer of stack) {
          if (layer.route) for (const m of Object.keys(layer.route.methods)) routes.push(`${m} ${String(layer.route.path).replace(/:(\w+)/g, "{$1}")}`);
          else if (layer.handle?.stack) walk(layer.handle.stack);
        }
      };
      walk((adminApiRouter(t.services) as any).stack);
      assert.deepEqual(routes.filter((r) => r !== "get /openapi.json").sort(), documented.sort());
      // an undocumented route is 404
      isProblem(await api("get", "/nothing-here"), 404);
    });

    test("authentication failures: 401 with a Bearer challenge", async () => {
      const cases: [string, string | null][] = [
        ["no token", null],
        ["garbage", "not-a-jwt"],
        ["wrong audience", await adminToken(t.services, { aud: "http://127.0.0.1:4000" })],
        ["wrong issuer", await adminToken(t.services, { iss: "https://evil.example.com" })],
        ["expired", await adminToken(t.services, { expiresIn: -60 })],
        ["wrong key", await adminToken(t.services, { foreignKey: true })],
        ["wrong algorithm", await adminToken(t.services, { alg: "RS384" })],
      ];
      for (const [name, tok] of cases) {
        const res = await api("get", "/users", tok);
        isProblem(res, 401);
        assert.match(res.headers["www-authenticate"] ?? "", /^Bearer realm=/, name);
        if (tok) assert.match(res.headers["www-authenticate"]!, /error="invalid_token"/, name);
      }
      const [ev] = await t.services.audit.query({ action: "admin.api.auth", limit: 1 });
      assert.equal(ev?.outcome, "failure");
      assert.equal((ev?.details as { reason: string }).reason, "ERR_JOSE_ALG_NOT_ALLOWED", "the last case: RS384 is refused");
      // a session cookie is not enough for the API
      const res = await t.request.get("/api/admin/users");
      isProblem(res, 401);
    });

    test("authorization: no admin scope → 403 insufficient_scope; admin:read cannot write", async () => {
      const none = await adminToken(t.services, { scope: "openid profile" });
      let res = await api("get", "/users", none);
      isProblem(res, 403);
      assert.match(res.headers["www-authenticate"]!, /error="insufficient_scope"/);
      isProblem(await api("get", "/users", await adminToken(t.services, { scope: null })), 403);
      assert.equal((await api("get", "/users", readToken)).status, 200);
      res = await api("post", "/groups", readToken).send({ name: "readers-cannot" });
      isProblem(res, 403);
      assert.equal((await snap()).groupByName.get("readers-cannot"), undefined);
      const [ev] = await t.services.audit.query({ action: "admin.api.auth", limit: 1 });
      assert.equal(ev?.outcome, "denied");
      assert.equal(ev?.actor, "client:admin-automation");
    });

    test("users: create, get, list/search, patch, groups, disable, password, MFA reset, delete", async () => {
      let res = await api("post", "/users").send({ username: "dave", email: "dave@example.com", password: "dave-password-1", attributes: { department: "ops" } });
      assert.equal(res.status, 201);
      const id = res.body.id;
      assert.equal(res.body.passwordHash, undefined);
      res = await api("get", `/users/${id}`);
      assert.equal(res.body.username, "dave");
      assert.equal(res.body.mfa.enabled, false);
      res = await api("get", "/users?search=dav&limit=5");
      assert.deepEqual(res.body.users.map((u: any) => u.username), ["dave"]);
      res = await api("patch", `/users/${id}`).send({ version: 1, displayName: "Dave" });
      assert.equal(res.body.displayName, "Dave");
      assert.equal(res.body.version, 2);
      const fin = (await snap()).groupByName.get("finance")!.id;
      res = await api("put", `/users/${id}/groups`).send({ version: 2, groupIds: [fin] });
      assert.deepEqual(res.body.groupIds, [fin]);
      res = await api("put", `/users/${id}/disabled`).send({ version: 3, disabled: true });
      assert.equal(res.body.disabled, true);
      assert.equal((await api("put", `/users/${id}/password`).send({ password: "new-password-2" })).status, 204);
      assert.equal((await api("delete", `/users/${id}/mfa`)).status, 204);
      const ev = (await t.services.audit.query({ action: "directory.user.", limit: 10 }))[0]!;
      assert.equal(ev.actor, "client:admin-automation");
      // validation and conflicts
      res = await api("post", "/users").send({ username: "bad name", email: "x", password: "short" });
      isProblem(res, 400);
      assert.ok(res.body.errors.username && res.body.errors.email && res.body.errors.password);
      isProblem(await api("post", "/users").send({ username: "Dave" }), 409);
      isProblem(await api("patch", `/users/${id}`).send({ version: 1, displayName: "stale" }), 409);
      isProblem(await api("patch", `/users/${id}`).send({ displayName: "no version" }), 400);
      isProblem(await api("put", `/users/${id}/password`).send({ password: "short" }), 400);
      isProblem(await api("get", "/users/not-a-uuid"), 404);
      isProblem(await api("delete", `/users/${id}?version=1`), 409);
      assert.equal((await api("delete", `/users/${id}?version=4`)).status, 204);
      isProblem(await api("get", `/users/${id}`), 404);
    });

    test("groups: create, nest, get members, patch, delete; cycles, duplicates and mapped groups refused", async () => {
      let res = await api("post", "/groups").send({ name: "platform", description: "Platform" });
      assert.equal(res.status, 201);
      const platform = res.body;
      res = await api("post", "/groups").send({ name: "sre", parentId: platform.id });
      assert.equal(res.body.parentId, platform.id);
      const sre = res.body;
      isProblem(await api("patch", `/groups/${platform.id}`).send({ version: platform.version, parentId: sre.id }), 400);
      isProblem(await api("post", "/groups").send({ name: "SRE" }), 409);
      isProblem(await api("post", "/groups").send({ name: "" }), 400);
      res = await api("get", "/groups");
      assert.ok(res.body.groups.some((g: any) => g.name === "sre"));
      const fin = (await snap()).groupByName.get("finance")!;
      res = await api("get", `/groups/${fin.id}`);
      assert.deepEqual(res.body.members.map((m: any) => m.username), ["bob"]);
      res = await api("delete", `/groups/${fin.id}?version=${fin.version}`);
      isProblem(res, 409);
      assert.match(res.body.detail, /mapp/i);
      isProblem(await api("delete", `/groups/${platform.id}?version=${platform.version}`), 409); // has a subgroup
      assert.equal((await api("delete", `/groups/${sre.id}?version=${sre.version}`)).status, 204);
      assert.equal((await api("delete", `/groups/${platform.id}?version=${platform.version}`)).status, 204);
    });

    test("roles: ARNs, durations and trust policies validated; patch with version; delete", async () => {
      const base = { arn: "arn:aws:iam::111122223333:role/Ops", samlProviderArn: "arn:aws:iam::111122223333:saml-provider/idp-gateway", maxSessionDuration: 7200, trustPolicy: TRUST };
      isProblem(await api("post", "/roles").send({ ...base, arn: "arn:aws:iam::1:role/Ops" }), 400);
      isProblem(await api("post", "/roles").send({ ...base, maxSessionDuration: 50000 }), 400);
      let res = await api("post", "/roles").send({ ...base, trustPolicy: "{not json" });
      isProblem(res, 400);
      assert.ok(res.body.errors.trustPolicy);
      isProblem(await api("post", "/roles").send({ ...base, trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Maybe", Action: "sts:AssumeRole" }] } }), 400);
      res = await api("post", "/roles").send(base);
      assert.equal(res.status, 201);
      const role = res.body;
      isProblem(await api("post", "/roles").send(base), 409);
      res = await api("patch", `/roles/${role.id}`).send({ version: 1, maxSessionDuration: 3600 });
      assert.equal(res.body.maxSessionDuration, 3600);
      assert.deepEqual(res.body.trustPolicy, TRUST, "untouched fields kept");
      isProblem(await api("patch", `/roles/${role.id}`).send({ version: 1, maxSessionDuration: 7200 }), 409);
      assert.equal((await api("get", `/roles/${role.id}`)).body.arn, base.arn);
      assert.ok((await api("get", "/roles")).body.roles.length >= 4);
      assert.equal((await api("delete", `/roles/${role.id}?version=2`)).status, 204);
    });

    test("mappings and tag rules", async () => {
      const s = await snap();
      const fin = s.groupByName.get("finance")!.id;
      const ro = s.roleByArn.get("arn:aws:iam::111122223333:role/ReadOnly")!.id;
      let res = await api("post", "/mappings").send({ groupId: fin, roleId: ro, sessionDuration: 100 });
      isProblem(res, 400);
      assert.ok(res.body.errors.sessionDuration);
      res = await api("post", "/mappings").send({ groupId: fin, roleId: ro, sessionDuration: 1800 });
      assert.equal(res.status, 201);
      isProblem(await api("post", "/mappings").send({ groupId: fin, roleId: ro }), 409);
      res = await api("patch", `/mappings/${fin}/${ro}`).send({ version: 1, sessionDuration: 3600 });
      assert.equal(res.body.sessionDuration, 3600);
      assert.equal(res.body.version, 2);
      isProblem(await api("patch", `/mappings/${fin}/${ro}`).send({ version: 1, sessionDuration: 900 }), 409);
      assert.ok((await api("get", "/mappings")).body.mappings.some((m: any) => m.groupId === fin && m.roleId === ro));
      assert.equal((await api("delete", `/mappings/${fin}/${ro}`)).status, 204);
      isProblem(await api("delete", `/mappings/${fin}/${ro}`), 404);

      isProblem(await api("post", "/tag-rules").send({ attribute: "title", tagKey: "aws:Title" }), 400);
      isProblem(await api("post", "/tag-rules").send({ attribute: "dept", tagKey: "DEPARTMENT" }), 409);
      res = await api("post", "/tag-rules").send({ attribute: "title", tagKey: "Title", transitive: true });
      assert.equal(res.status, 201);
      assert.ok((await api("get", "/tag-rules")).body.tagRules.some((r: any) => r.tagKey === "Title"));
      assert.equal((await api("delete", `/tag-rules/${res.body.id}`)).status, 204);
    });

    test("AWS account names: set, rename, conflict, bad input, read-only token, remove", async () => {
      const set = await api("put", "/aws-accounts/111122223333").send({ alias: "acme-dev" });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.deepEqual(set.body, { accountId: "111122223333", alias: "acme-dev" });
      assert.deepEqual((await api("get", "/aws-accounts")).body.accounts, [{ accountId: "111122223333", alias: "acme-dev" }]);
      assert.equal((await snap()).aliasByAccount.get("111122223333"), "acme-dev");
      assert.equal((await api("put", "/aws-accounts/111122223333").send({ alias: "acme-sandbox" })).body.alias, "acme-sandbox", "renamed in place");
      isProblem(await api("put", "/aws-accounts/444455556666").send({ alias: "acme-sandbox" }), 409);
      for (const alias of ["Acme", "ab", "-acme", "acme-", "ac--me", "a".repeat(64), 42, undefined]) {
        const res = await api("put", "/aws-accounts/444455556666").send({ alias });
        isProblem(res, 400);
        assert.ok(res.body.errors.alias, String(alias));
      }
      isProblem(await api("put", "/aws-accounts/12345").send({ alias: "acme-x" }), 400);
      isProblem(await api("put", "/aws-accounts/444455556666", readToken).send({ alias: "acme-x" }), 403);
      assert.equal((await snap()).aliasByAccount.has("444455556666"), false, "nothing written by a refused request");
      const events = await t.services.audit.query({ action: "directory.account.alias", limit: 10 });
      assert.deepEqual(events.map((e) => (e.details as { alias: string }).alias).sort(), ["acme-dev", "acme-sandbox"]);
      assert.equal((await api("delete", "/aws-accounts/111122223333")).status, 204);
      isProblem(await api("delete", "/aws-accounts/111122223333"), 404);
      isProblem(await api("delete", "/aws-accounts/not-an-id"), 404);
      assert.deepEqual((await api("get", "/aws-accounts")).body.accounts, []);
    });

    test("service providers, metadata parsing, OIDC clients (secret once), STS providers", async () => {
      const sp = { entityId: "https://app.example.com", name: "App", acsUrls: ["https://app.example.com/acs"] };
      isProblem(await api("post", "/service-providers").send({ ...sp, acsUrls: ["javascript:alert(1)"] }), 400);
      let res = await api("post", "/service-providers").send(sp);
      assert.equal(res.status, 201);
      const spId = res.body.id;
      res = await api("patch", `/service-providers/${spId}`).send({ version: 1, encryptAssertions: true });
      assert.equal(res.body.encryptAssertions, true);
      assert.equal((await api("get", `/service-providers/${spId}`)).body.name, "App");
      assert.ok((await api("get", "/service-providers")).body.serviceProviders.length >= 2);
      isProblem(await api("delete", `/service-providers/${spId}?version=1`), 409);
      assert.equal((await api("delete", `/service-providers/${spId}?version=2`)).status, 204);
      res = await api("post", "/service-providers/parse-metadata").send({ metadata: '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "a">]><x/>' });
      isProblem(res, 400);
      assert.ok(res.body.errors.metadata);

      res = await api("post", "/oidc-clients").send({ clientId: "svc", name: "Service", metadata: { grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic", redirect_uris: [] } });
      assert.equal(res.status, 201);
      assert.equal(res.body.confidential, true);
      assert.equal(typeof res.body.clientSecret, "string");
      assert.equal(res.body.secretEnc, undefined);
      const cid = res.body.id;
      res = await api("get", `/oidc-clients/${cid}`);
      assert.equal(res.body.clientSecret, undefined, "shown once");
      res = await api("post", `/oidc-clients/${cid}/secret`).send({ version: 1 });
      assert.equal(typeof res.body.clientSecret, "string");
      res = await api("patch", `/oidc-clients/${cid}`).send({ version: 2, name: "Service 2" });
      assert.equal(res.body.name, "Service 2");
      isProblem(await api("post", "/oidc-clients").send({ clientId: "bad id!", name: "x", metadata: {} }), 400);
      isProblem(await api("post", "/oidc-clients").send({ clientId: "svc", name: "dup", metadata: {} }), 409);
      assert.ok((await api("get", "/oidc-clients")).body.oidcClients.every((c: any) => c.secretEnc === undefined));
      assert.equal((await api("delete", `/oidc-clients/${cid}?version=3`)).status, 204);

      isProblem(await api("post", "/sts-providers").send({ arn: "arn:aws:iam::111122223333:user/x", issuer: "x" }), 400);
      res = await api("post", "/sts-providers").send({ arn: "arn:aws:iam::111122223333:oidc-provider/token.example.com", issuer: "https://token.example.com", clientIds: [] });
      isProblem(res, 400);
      assert.ok(res.body.errors.clientIds);
      res = await api("post", "/sts-providers").send({ arn: "arn:aws:iam::111122223333:oidc-provider/token.example.com", issuer: "https://token.example.com", clientIds: ["aud-1"] });
      assert.equal(res.status, 201);
      assert.equal(res.body.kind, "oidc");
      const pid = res.body.id;
      res = await api("patch", `/sts-providers/${pid}`).send({ version: 1, clientIds: ["aud-1", "aud-2"] });
      assert.deepEqual(res.body.clientIds, ["aud-1", "aud-2"]);
      isProblem(await api("patch", `/sts-providers/${pid}`).send({ version: 1, clientIds: ["x"] }), 409);
      const builtIn = (await api("get", "/sts-providers")).body.stsProviders.find((p: any) => p.builtIn);
      if (builtIn) isProblem(await api("delete", `/sts-providers/${builtIn.id}?version=${builtIn.version}`), 409);
      assert.equal((await api("get", `/sts-providers/${pid}`)).body.version, 2);
      assert.equal((await api("delete", `/sts-providers/${pid}?version=2`)).status, 204);
    });

    test("keys, audit and preview", async () => {
      const before = t.services.keys.activeKey().kid;
      let res = await api("post", "/keys/rotate");
      assert.equal(res.status, 200);
      assert.notEqual(res.body.active, before);
      // the token signed by the now-retired key still verifies (retired keys stay published)
      assert.equal((await api("get", "/keys")).status, 200);
      res = await api("get", "/audit?action=keys.&limit=5");
      assert.equal(res.body.events[0].action, "keys.rotate");
      assert.equal(res.body.events[0].actor, "client:admin-automation");
      isProblem(await api("get", "/audit?from=notadate"), 400);

      res = await api("get", `/preview?user=bob&target=${encodeURIComponent("saml:urn:amazon:webservices")}&role=${encodeURIComponent("arn:aws:iam::111122223333:role/Finance")}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.identity.roles.map((r: any) => r.roleArn), ["arn:aws:iam::111122223333:role/Finance"]);
      assert.equal(res.body.trust.decision, "Allow");
      assert.ok(res.body.samlAttributes.some((a: any) => a.name === "https://aws.amazon.com/SAML/Attributes/Role"));
      res = await api("get", `/preview?user=bob&target=oidc:mobile-app`);
      assert.deepEqual(res.body.idTokenClaims["https://aws.amazon.com/tags"].principal_tags, { Department: ["finance"] });
      isProblem(await api("get", "/preview?user=nobody&target=saml:x"), 400);
      isProblem(await api("get", `/preview?user=bob&target=saml:urn:amazon:webservices&role=${encodeURIComponent("arn:aws:iam::111122223333:role/Engineer")}`), 400);
    });

    test("bodies: not JSON, malformed JSON, not an object, oversized", async () => {
      isProblem(await api("post", "/groups").type("form").send("name=x"), 400);
      isProblem(await api("post", "/groups").set("Content-Type", "application/json").send("{bad"), 400);
      isProblem(await api("post", "/groups").send([1, 2]), 400);
      const res = await api("post", "/roles").send({ arn: "arn:aws:iam::111122223333:role/Big", samlProviderArn: "x", trustPolicy: "x".repeat(300_000) });
      isProblem(res, 413);
      assert.equal((await snap()).roleByArn.get("arn:aws:iam::111122223333:role/Big"), undefined);
    });
  });
}

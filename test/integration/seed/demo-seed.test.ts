// The demo seed writes exactly DESIGN.md's demo directory, once: re-running it or running it from
// two instances at the same time changes nothing, and the seeded users can sign in.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildFederatedIdentity } from "../../../src/claims/index.ts";
import { AWS_SP_ENTITY_ID, DEMO_ACCOUNT, DEMO_SAML_PROVIDER_ARN, oidcProviderArn, seedDemo, seedDemoIfEmpty } from "../../../src/seed/index.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { login } from "../../helpers/browser.ts";

const role = (name: string) => `arn:aws:iam::${DEMO_ACCOUNT}:role/${name}`;

async function counts(t: TestApp) {
  const p = t.services.db.prisma;
  return {
    users: await p.user.count(),
    groups: await p.group.count(),
    roles: await p.awsRole.count(),
    mappings: await p.roleMapping.count(),
    tagRules: await p.tagRule.count(),
    sps: await p.serviceProvider.count(),
    clients: await p.oidcClient.count(),
    providers: await p.stsIdentityProvider.count(),
  };
}

for (const backend of testBackends()) {
  describe(`demo seed (${backend})`, () => {
    let t: TestApp;
    before(async () => (t = await startTestApp(backend, { seed: false })));
    after(async () => t?.close());

    it("seeds an empty database and reports it", async () => {
      assert.equal(await seedDemoIfEmpty(t.services), true);
      assert.deepEqual(await counts(t), { users: 3, groups: 3, roles: 3, mappings: 3, tagRules: 2, sps: 1, clients: 4, providers: 2 }); // clients: mobile-app, idp-cli, demo-service, admin-automation
    });

    it("gives alice DESIGN.md's roles and tags through the claims engine", async () => {
      const { directory } = t.services;
      const alice = (await directory.findUserByUsername("alice"))!;
      const { identity } = buildFederatedIdentity({
        user: alice,
        effectiveGroups: await directory.effectiveGroups(alice.id),
        snapshot: await directory.snapshot(),
        target: { kind: "saml", id: AWS_SP_ENTITY_ID },
        issuer: t.config.baseUrl,
        authTime: new Date(),
        mfa: false,
        amr: ["pwd"],
      });
      assert.deepEqual(identity.roles.map((r) => [r.roleArn, r.providerArn]), [
        [role("Engineer"), DEMO_SAML_PROVIDER_ARN],
        [role("ReadOnly"), DEMO_SAML_PROVIDER_ARN],
      ]);
      assert.deepEqual(identity.principalTags, { CostCenter: "1234", Department: "engineering" });
      assert.deepEqual(identity.transitiveTagKeys, ["CostCenter"]);
      assert.deepEqual(identity.groups, ["admins", "engineering"]);
    });

    it("registers the built-in IdP as the account's SAML and OIDC providers", async () => {
      const rows = await t.services.db.prisma.stsIdentityProvider.findMany({ orderBy: { kind: "asc" } });
      assert.deepEqual(rows.map((r) => [r.kind, r.arn, r.builtIn]), [
        ["oidc", oidcProviderArn(t.config.baseUrl), true],
        ["saml", DEMO_SAML_PROVIDER_ARN, true],
      ]);
      assert.deepEqual(rows[0]!.clientIds, ["mobile-app", "idp-cli"]);
    });

    it("does nothing the second time, whether asked to seed if empty or to complete the seed", async () => {
      const before = await counts(t);
      assert.equal(await seedDemoIfEmpty(t.services), false);
      await seedDemo(t.services);
      assert.deepEqual(await counts(t), before);
    });

    it("seeded users sign in with the demo password", async () => {
      const session = await login(t.request, "bob", t.config.demoPassword);
      assert.ok(session);
    });
  });
}

if (testBackends().includes("postgres")) {
  describe("demo seed from two instances at once (postgres)", () => {
    let t: TestApp;
    before(async () => (t = await startTestApp("postgres", { seed: false })));
    after(async () => t?.close());

    it("ends with one demo directory, not two and not an error", async () => {
      const other = await t.startAnother();
      try {
        await Promise.all([seedDemo(t.services), seedDemo(other.services)]);
        assert.deepEqual(await counts(t), { users: 3, groups: 3, roles: 3, mappings: 3, tagRules: 2, sps: 1, clients: 4, providers: 2 }); // clients: mobile-app, idp-cli, demo-service, admin-automation
      } finally {
        await other.close();
      }
    });
  });
}

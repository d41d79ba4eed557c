// The admin API's upstream IdPs (/api/admin/upstream-idps) and the in-place update behind it:
// add (OIDC and SAML), read with what to register at the upstream and never a secret, edit with a
// version (stale = 409, every refused field a 400 naming it, nothing written), the client secret
// re-sealed and used, SAML certificates rolled (audited as fingerprints), links kept, an issuer
// change refused while users are linked unless forced, remove; a read-only token reads only.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { adminApiSuite } from "../../helpers/admin-tokens.ts";
import { testBackends } from "../../helpers/db.ts";
import { isProblem } from "../../helpers/problem.ts";
import { testKey } from "../../helpers/saml.ts";

const SECRET = "first-Secret-value-0a1b";
const ROTATED = "rotated-Secret-value-2c3d";
const oidc = { protocol: "oidc", slug: "corp", displayName: "Corp SSO", issuer: "https://login.corp.example", clientId: "gw", clientSecret: SECRET };

for (const backend of testBackends()) {
  describe(`admin API upstream IdPs (${backend})`, () => {
    const suite = adminApiSuite(backend);
    const api = (method: "get" | "post" | "patch" | "delete", path: string, tok?: string) => suite.api(method, `/upstream-idps${path}`, tok);
    const stored = (slug: string) => suite.t.services.db.prisma.upstreamIdp.findUniqueOrThrow({ where: { slug } });
    const secretOf = async (slug: string) => {
      const idp = await suite.t.services.upstream.idps.enabled(slug);
      return idp?.protocol === "oidc" ? idp.clientSecret : undefined;
    };
    const audits = (action: string) => suite.t.services.audit.query({ action, limit: 100 });
    const link = async (slug: string, subject: string) => {
      const alice = (await suite.t.services.directory.findUserByUsername("alice"))!;
      await suite.t.services.db.prisma.upstreamLink.create({ data: { upstreamId: (await stored(slug)).id, subject, userId: alice.id } });
    };

    test("add, list and get an OIDC IdP: the redirect URI to register, never the secret; bad input is a problem naming the field", async () => {
      for (const [b, field, status] of [
        [{ ...oidc, protocol: undefined }, "protocol", 400],
        [{ ...oidc, protocol: "ldap" }, "protocol", 400],
        [{ ...oidc, scopes: "openid" }, "scopes", 400],
        [{ ...oidc, scopes: 5 }, "scopes", 400],
        [{ ...oidc, enabled: "yes" }, "enabled", 400],
        [{ ...oidc, clientSecret: 42 }, "clientSecret", 400],
        [{ ...oidc, issuer: "http://login.corp.example" }, "issuer", 400],
      ] as const) isProblem(await api("post", "").send(b), status, field);
      isProblem(await api("post", "").send([]), 400);

      const res = await api("post", "").send(oidc);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.version, 1);
      assert.deepEqual(res.body.register, { redirectUri: suite.t.services.upstream.redirectUri("corp") });
      isProblem(await api("post", "").send(oidc), 409, "slug");
      const list = await api("get", "", suite.readToken);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.upstreamIdps.map((i: any) => [i.slug, i.links]), [["corp", 0]]);
      const one = await api("get", "/corp", suite.readToken);
      assert.equal(one.body.clientId, "gw");
      for (const r of [res, list, one]) assert.ok(!JSON.stringify(r.body).includes(SECRET) && !JSON.stringify(r.body).includes("clientSecret"), "no secret in a response");
      isProblem(await api("get", "/nobody"), 404);
    });

    test("PATCH rotates the client secret: re-sealed under the row, used from then on, audited without it; links kept; a stale version is 409", async () => {
      await link("corp", "sub-1");
      const before = await stored("corp");
      const buttons = await suite.t.services.upstream.idps.buttons();
      assert.deepEqual(buttons.map((b) => b.displayName), ["Corp SSO"]);
      const res = await api("patch", "/corp").send({ version: before.version, clientSecret: ROTATED, displayName: "Corp Login" });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.version, before.version + 1);
      assert.equal(res.body.links, 1, "the link stays");
      assert.ok(!JSON.stringify(res.body).includes(ROTATED));
      assert.equal(await secretOf("corp"), ROTATED);
      const after = await stored("corp");
      assert.notEqual(after.clientSecretEnc, before.clientSecretEnc);
      assert.equal(after.id, before.id);
      assert.deepEqual((await suite.t.services.upstream.idps.buttons()).map((b) => b.displayName), ["Corp Login"], "the login page's cached list is dropped");
      const [ev] = await audits("upstream.update");
      assert.equal(ev?.actor, "client:admin-automation");
      assert.equal(ev?.target, "upstream:corp");
      assert.deepEqual(ev?.details, { changed: ["clientSecret", "displayName"], displayName: "Corp Login" });
      assert.ok(!JSON.stringify(ev).includes(ROTATED));

      isProblem(await api("patch", "/corp").send({ version: before.version, displayName: "Late" }), 409);
      isProblem(await api("patch", "/corp").send({ displayName: "No version" }), 400, "version");
      isProblem(await api("patch", "/nobody").send({ version: 1, displayName: "X" }), 404);
      assert.equal((await stored("corp")).displayName, "Corp Login");
    });

    test("PATCH refuses every bad or unchangeable field with a 400 naming it, and writes nothing", async () => {
      const { version } = await stored("corp");
      const events = (await audits("upstream.update")).length;
      for (const [b, field] of [
        [{ slug: "other" }, "slug"],
        [{ protocol: "saml" }, "protocol"],
        [{ displayName: " " }, "displayName"],
        [{ enabled: "no" }, "enabled"],
        [{ issuer: "not a url" }, "issuer"],
        [{ issuer: "https://x.example/?q=1" }, "issuer"],
        [{ clientId: "has space" }, "clientId"],
        [{ clientSecret: "" }, "clientSecret"],
        [{ scopes: ["profile"] }, "scopes"],
        [{ scopes: "openid" }, "scopes"],
        [{ usernameClaim: "bad claim!" }, "usernameClaim"],
        [{ metadataXml: "<x/>" }, "metadataXml"],
        [{ certificates: ["x"] }, "certificates"],
        [{ entityId: "urn:x" }, "entityId"],
        [{ force: "yes" }, "force"],
      ] as const) isProblem(await api("patch", "/corp").send({ version, ...b }), 400, field);
      const row = await stored("corp");
      assert.equal(row.version, version);
      assert.equal(await secretOf("corp"), ROTATED);
      assert.equal((await audits("upstream.update")).length, events);
    });

    test("an issuer change while users are linked is 409 unless forced (the same IdP moved): then the links stay", async () => {
      const { version } = await stored("corp");
      isProblem(await api("patch", "/corp").send({ version, issuer: "https://sso.corp.example" }), 409, "issuer");
      assert.equal((await stored("corp")).issuer, "https://login.corp.example");
      const res = await api("patch", "/corp").send({ version, issuer: "https://sso.corp.example", force: true });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.issuer, "https://sso.corp.example");
      assert.equal(res.body.links, 1);
      const [ev] = await audits("upstream.update");
      assert.deepEqual(ev?.details, { changed: ["issuer"], issuer: "https://sso.corp.example", linksKept: 1 });
    });

    test("a SAML IdP: added from metadata with the SP URLs to register; a rolled certificate replaces the old, audited as fingerprints", async () => {
      const metadataXml = (await suite.t.request.get("/saml/metadata")).text;
      const res = await api("post", "").send({ protocol: "saml", slug: "partner", displayName: "Partner", metadataXml });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const sp = suite.t.services.upstream.samlEndpoints("partner");
      assert.deepEqual(res.body.register, { spEntityId: sp.entityId, spMetadataUrl: sp.entityId, acsUrl: sp.acsUrl });
      await link("partner", "nameid-1");
      const rolled = await testKey("idp.partner.example");
      isProblem(await api("patch", "/partner").send({ version: 1, clientSecret: "x" }), 400, "clientSecret");
      isProblem(await api("patch", "/partner").send({ version: 1, issuer: "https://x.example" }), 400, "issuer");
      isProblem(await api("patch", "/partner").send({ version: 1, certificates: ["not a certificate"] }), 400, "certificates");
      isProblem(await api("patch", "/partner").send({ version: 1, certificates: "one PEM" }), 400, "certificates");
      isProblem(await api("patch", "/partner").send({ version: 1, entityId: 7 }), 400, "entityId");
      const patched = await api("patch", "/partner").send({ version: 1, certificates: [rolled.certificatePem], usernameAttribute: "uid" });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.certificates.length, 1);
      assert.equal(patched.body.certificates[0].replace(/\s/g, ""), rolled.certificatePem.replace(/\s/g, ""));
      assert.equal(patched.body.usernameClaim, "uid");
      assert.equal(patched.body.issuer, res.body.issuer, "the entity ID stays");
      assert.equal(patched.body.links, 1);
      const [ev] = await audits("upstream.update");
      const { X509Certificate } = await import("node:crypto");
      assert.deepEqual(ev?.details, { changed: ["certificates", "usernameAttribute"], certificates: [new X509Certificate(rolled.certificatePem).fingerprint256], usernameAttribute: "uid" });
      // new metadata is read again: back to the metadata's certificate
      const again = await api("patch", "/partner").send({ version: 2, metadataXml });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body.certificates, res.body.certificates);
    });

    test("group mappers under an IdP: add (group by name), list, bad input and duplicates refused, read-only token reads only, remove by id", async () => {
      const add = (b: Record<string, unknown>, tok?: string) => api("post", "/corp/group-mappings", tok).send(b);
      const res = await add({ claim: "groups", value: "aws-finance", group: "finance" });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const finance = (await suite.t.services.directory.snapshot()).groupByName.get("finance")!;
      assert.deepEqual({ claim: res.body.claim, value: res.body.value, groupId: res.body.groupId, groupName: res.body.groupName }, { claim: "groups", value: "aws-finance", groupId: finance.id, groupName: "finance" });
      isProblem(await add({ claim: "groups", value: "aws-finance", group: "finance" }), 409, "value");
      isProblem(await add({ claim: "bad claim!", value: "x", group: "finance" }), 400, "claim");
      isProblem(await add({ claim: "groups", value: " padded", group: "finance" }), 400, "value");
      isProblem(await add({ claim: "groups", value: "x", group: "no-such-group" }), 400, "group");
      isProblem(await add({ claim: "groups", value: 7, group: "finance" }), 400, "value");
      isProblem(await api("post", "/nobody/group-mappings").send({ claim: "groups", value: "x", group: "finance" }), 404);
      isProblem(await add({ claim: "groups", value: "ro", group: "finance" }, suite.readToken), 403);
      const list = await api("get", "/corp/group-mappings", suite.readToken);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.groupMappings.map((m: any) => [m.claim, m.value, m.groupName]), [["groups", "aws-finance", "finance"]]);
      isProblem(await api("delete", `/corp/group-mappings/${res.body.id}`, suite.readToken), 403);
      isProblem(await api("delete", "/corp/group-mappings/not-an-id"), 404);
      isProblem(await api("delete", `/nobody/group-mappings/${res.body.id}`), 404);
      assert.equal((await api("post", "").send({ ...oidc, slug: "other" })).status, 201);
      isProblem(await api("delete", `/other/group-mappings/${res.body.id}`), 404, undefined);
      assert.equal((await api("get", "/corp/group-mappings")).body.groupMappings.length, 1, "another IdP's path cannot remove corp's mapper");
      assert.equal((await api("delete", `/corp/group-mappings/${res.body.id}`)).status, 204);
      isProblem(await api("delete", `/corp/group-mappings/${res.body.id}`), 404);
      assert.deepEqual((await api("get", "/corp/group-mappings")).body.groupMappings, []);
      assert.deepEqual((await audits("upstream.group_mapping.remove"))[0]?.details, { claim: "groups", value: "aws-finance", group: "finance" });
      assert.equal((await audits("upstream.group_mapping.add")).length, 1, "refused adds wrote no audit event");
    });

    test("a read-only token is refused every write; DELETE needs the current version", async () => {
      for (const res of [await api("post", "", suite.readToken).send({ ...oidc, slug: "ro" }), await api("patch", "/corp", suite.readToken).send({ version: 9, displayName: "RO" }), await api("delete", "/corp?version=1", suite.readToken)]) {
        isProblem(res, 403);
        assert.match(res.headers["www-authenticate"] ?? "", /insufficient_scope/);
      }
      const { version } = await stored("corp");
      isProblem(await api("delete", "/corp"), 400, "version");
      isProblem(await api("delete", `/corp?version=${version - 1}`), 409);
      isProblem(await api("delete", `/nobody?version=1`), 404);
      assert.equal((await api("delete", `/corp?version=${version}`)).status, 204);
      isProblem(await api("get", "/corp"), 404);
      assert.equal(await suite.t.services.db.prisma.upstreamLink.count({ where: { subject: "sub-1" } }), 0, "its links went with it");
      assert.deepEqual((await audits("upstream.remove"))[0]?.details, { linksRemoved: 1 });
    });
  });
}

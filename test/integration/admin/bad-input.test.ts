// Bad input on the admin pages: each refused with a clear message next to the field (or on top
// for conflicts), what was typed kept, and nothing half-saved.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, csrfFrom, login } from "../../helpers/browser.ts";

const ROLE = { arn: "arn:aws:iam::111122223333:role/Auditor", samlProviderArn: "arn:aws:iam::111122223333:saml-provider/idp-gateway", maxSessionDuration: "3600", description: "" };
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: ROLE.samlProviderArn }, Action: "sts:AssumeRoleWithSAML" }] });

for (const backend of testBackends()) {
  describe(`admin bad input (${backend})`, () => {
    let t: TestApp;
    let admin: Browser;
    before(async () => {
      t = await startTestApp(backend);
      admin = await login(t.request, "admin");
    });
    after(() => t.close());
    const snap = () => t.services.directory.snapshot();
    const roles = async () => (await snap()).roles.length;

    const createRole = (fields: Record<string, string>) => admin.submit("/admin/roles", "/admin/roles", { ...ROLE, trustPolicy: TRUST, ...fields });

    test("invalid ARNs", async () => {
      const n = await roles();
      let res = await createRole({ arn: "arn:aws:iam::12345:role/x" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-arn-error"/);
      assert.match(res.text, /value="arn:aws:iam::12345:role\/x"/);
      assert.doesNotMatch(res.text, /id="f-samlProviderArn-error"|id="f-trustPolicy-error"/, "messages only next to the fields at fault");
      res = await createRole({ samlProviderArn: "arn:aws:iam::999999999999:saml-provider/other" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-samlProviderArn-error"[^>]*>Use a SAML provider in the role&#39;s own account/);
      assert.equal(await roles(), n);
    });

    test("durations out of range", async () => {
      const n = await roles();
      for (const v of ["3599", "43201", "abc"]) {
        const res = await createRole({ maxSessionDuration: v });
        assert.equal(res.status, 400, v);
        assert.match(res.text, /id="f-maxSessionDuration-error"/, v);
      }
      assert.equal(await roles(), n);
      const s = await snap();
      const m = s.mappings[0]!;
      const page = await admin.get("/admin/mappings");
      const res = await admin.post("/admin/mappings/cell", { _csrf: csrfFrom(page.text), groupId: m.groupId, roleId: m.roleId, version: String(m.version), sessionDuration: "899", op: "save" });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="cell-error"/);
      assert.equal((await snap()).mappings.find((x) => x.id === m.id)!.sessionDuration, m.sessionDuration);
    });

    test("malformed trust-policy JSON and policies the STS parser refuses", async () => {
      const n = await roles();
      let res = await createRole({ trustPolicy: '{"Version": "2012-10-17", "Statement": [' });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-trustPolicy-error"[^>]*>Not valid JSON/);
      res = await createRole({ trustPolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: ROLE.samlProviderArn }, Action: "sts:AssumeRoleWithSAML", Condition: { NoSuchOperator: { "saml:aud": "x" } } }] }) });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-trustPolicy-error"/);
      assert.equal(await roles(), n);
      res = await createRole({ trustPolicy: TRUST });
      assert.equal(res.status, 303);
      const role = (await snap()).roleByArn.get(ROLE.arn)!;
      const page = await admin.get(`/admin/roles/${role.id}`);
      assert.match(page.text, /\{\n {2}&quot;Version&quot;: &quot;2012-10-17&quot;,/, "pretty-printed");
    });

    test("tag limits", async () => {
      let res = await admin.submit("/admin/mappings", "/admin/tag-rules", { attribute: "title", tagKey: "x".repeat(129) });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-tagKey-error"/);
      res = await admin.submit("/admin/mappings", "/admin/tag-rules", { attribute: "dept2", tagKey: "department" });
      assert.equal(res.status, 409, "Department exists: keys are case-insensitive");
      assert.match(res.text, /id="f-tagKey-error"/);
      const before = (await snap()).tagRules.length;
      for (let i = before; i < 50; i++) await t.services.directory.createTagRule({ attribute: `a${i}`, tagKey: `K${i}` }, "test");
      res = await admin.submit("/admin/mappings", "/admin/tag-rules", { attribute: "one-more", tagKey: "OneMore" });
      assert.equal(res.status, 400);
      assert.match(res.text, /at most 50/i);
      assert.equal((await snap()).tagRules.length, 50);
    });

    test("duplicate names", async () => {
      let res = await admin.submit("/admin/groups", "/admin/groups", { name: "Finance" });
      assert.equal(res.status, 409);
      assert.match(res.text, /id="f-name-error"/);
      res = await admin.submit("/admin/users", "/admin/users", { username: "ALICE" });
      assert.equal(res.status, 409);
      assert.match(res.text, /id="f-username-error"/);
    });

    test("deleting a group still mapped is refused", async () => {
      const g = (await snap()).groupByName.get("finance")!;
      const res = await admin.submit(`/admin/groups/${g.id}`, `/admin/groups/${g.id}/delete`, { version: String(g.version) });
      assert.equal(res.status, 409);
      assert.match(res.text, /role="alert"[^>]*>[^<]*mapp/i);
      assert.ok((await snap()).groupByName.get("finance"));
    });

    test("concurrent edits: the second save gets 'changed by someone else', the first is kept", async () => {
      const g = (await snap()).groupByName.get("engineering")!;
      const pageA = await admin.get(`/admin/groups/${g.id}`);
      const other = await login(t.request, "alice");
      const pageB = await other.get(`/admin/groups/${g.id}`);
      const a = await admin.post(`/admin/groups/${g.id}`, { _csrf: csrfFrom(pageA.text), version: String(g.version), name: "engineering", description: "edited by admin", parentId: "" });
      assert.equal(a.status, 303);
      const b = await other.post(`/admin/groups/${g.id}`, { _csrf: csrfFrom(pageB.text), version: String(g.version), name: "engineering", description: "edited by alice", parentId: "" });
      assert.equal(b.status, 409);
      assert.match(b.text, /changed by someone else/);
      assert.match(b.text, /edited by alice/, "alice's text is still in the form");
      assert.equal((await snap()).groupByName.get("engineering")!.description, "edited by admin");

      const m = (await snap()).mappings[0]!;
      const matrix = await admin.get("/admin/mappings");
      const post = (d: string) => admin.post("/admin/mappings/cell", { _csrf: csrfFrom(matrix.text), groupId: m.groupId, roleId: m.roleId, version: String(m.version), sessionDuration: d, op: "save" });
      assert.equal((await post("1800")).status, 303);
      const second = await post("2700");
      assert.equal(second.status, 409);
      assert.equal((await snap()).mappings.find((x) => x.id === m.id)!.sessionDuration, 1800);
    });

    test("oversized bodies are refused with 413 and nothing is saved", async () => {
      const page = await admin.get("/admin/roles");
      const res = await admin.post("/admin/roles", { _csrf: csrfFrom(page.text), ...ROLE, arn: "arn:aws:iam::111122223333:role/Huge", trustPolicy: "x".repeat(300_000) });
      assert.equal(res.status, 413);
      assert.match(res.text, /larger than this endpoint accepts/);
      assert.equal((await snap()).roleByArn.get("arn:aws:iam::111122223333:role/Huge"), undefined);
    });

    test("SAML metadata: DOCTYPE and non-metadata refused next to the field; good metadata fills the form", async () => {
      let res = await admin.submit("/admin/sps", "/admin/sps/import", { metadata: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="f-metadata-error"[^>]*>Documents with a DOCTYPE are refused/);
      res = await admin.submit("/admin/sps", "/admin/sps/import", { metadata: "<html/>" });
      assert.equal(res.status, 400);
      const xml = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example.org/saml"><md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.org/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`;
      res = await admin.submit("/admin/sps", "/admin/sps/import", { metadata: xml });
      assert.equal(res.status, 200);
      assert.match(res.text, /name="entityId" type="text" value="https:\/\/sp.example.org\/saml"/);
      assert.match(res.text, /id="f-wantAuthnRequestsSigned" name="wantAuthnRequestsSigned" value="on" checked/);
      assert.equal((await snap()).spByEntityId.get("https://sp.example.org/saml"), undefined, "import only fills the form");
    });

    test("OIDC client: a confidential client's secret is shown once, stored sealed", async () => {
      const res = await admin.submit("/admin/clients", "/admin/clients", { clientId: "reporting", name: "Reporting", redirectUris: "https://reports.example.com/cb", grantTypes: "authorization_code", authMethod: "client_secret_basic" });
      assert.equal(res.status, 200);
      const secret = /id="client-secret">([A-Za-z0-9_-]+)</.exec(res.text)?.[1];
      assert.ok(secret && secret.length >= 43);
      const c = (await snap()).clientByClientId.get("reporting")!;
      assert.ok(c.secretEnc && !c.secretEnc.includes(secret!));
      assert.equal(t.services.box.open(c.secretEnc!, "oidc-client-secret:reporting").toString(), secret);
      const page = await admin.get(`/admin/clients/${c.id}`);
      assert.doesNotMatch(page.text, new RegExp(secret!));
      const bad = await admin.submit("/admin/clients", "/admin/clients", { clientId: "nope", name: "No", redirectUris: "", grantTypes: "authorization_code", authMethod: "none" });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /id="f-redirectUris-error"/);
    });
  });
}

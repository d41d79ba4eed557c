// Admin page for upstream OIDC IdPs (/admin/upstreams): an admin adds one through the real form and
// it becomes a "Sign in with …" button on the login page; disabling hides it, removing (behind the
// confirmation step) deletes it with its links; bad input redraws the form with field messages and
// writes nothing; an auditor sees the list without forms and is refused on every POST; the client
// secret appears on no page, not even the form redrawn after an error; writes are audited with the
// acting admin.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { Browser, csrfFrom, login } from "../../helpers/browser.ts";
import { testBackends } from "../../helpers/db.ts";
import { testKey } from "../../helpers/saml.ts";

const SECRET = "s3cret-upstream-Value-9f2c";
const form = (over: Record<string, string> = {}) => ({
  slug: "corp", displayName: "Corp SSO", issuer: "https://login.corp.example", clientId: "idp-gateway", clientSecret: SECRET, scopes: "openid profile email", usernameClaim: "preferred_username", ...over,
});

for (const backend of testBackends()) {
  describe(`admin upstream IdPs page (${backend})`, () => {
    let t: TestApp;
    let admin: Browser;
    before(async () => {
      t = await startTestApp(backend);
      admin = await login(t.request, "admin");
    });
    after(() => t.close());

    const count = () => t.services.db.prisma.upstreamIdp.count();
    const audits = (action: string) => t.services.audit.query({ action, limit: 100 });
    const loginPage = async () => (await new Browser(t.request).get("/login")).text;
    const add = (over: Record<string, string> = {}) => admin.submit("/admin/upstreams", "/admin/upstreams", form(over));
    /** links the local user alice to the IdP (as a first upstream sign-in would) */
    const linkAlice = async (slug: string) => {
      const idp = await t.services.db.prisma.upstreamIdp.findUniqueOrThrow({ where: { slug } });
      const alice = (await t.services.directory.findUserByUsername("alice"))!;
      await t.services.db.prisma.upstreamLink.create({ data: { upstreamId: idp.id, subject: "sub-1", userId: alice.id } });
    };
    const removeAll = async () => {
      for (const i of await t.services.upstream.idps.list()) await t.services.upstream.idps.remove(i.slug, "test");
    };

    test("an admin adds an upstream IdP: listed with its redirect URI, a Sign in button on /login, audited, the secret never shown", async () => {
      await removeAll();
      const empty = await admin.get("/admin/upstreams");
      assert.equal(empty.status, 200);
      assert.match(empty.text, /aria-current="page">Upstream IdPs</, "the nav link is there and current");
      assert.match(empty.text, /<input id="f-clientSecret" name="clientSecret" type="password" value=""/);
      assert.doesNotMatch(await loginPage(), /Sign in with Corp SSO/);

      const res = await add();
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.location, "/admin/upstreams?notice=created");
      const page = await admin.get(res.headers.location!);
      assert.match(page.text, /role="status">Created\./);
      assert.match(page.text, /<a href="\/admin\/upstreams\/corp">Corp SSO<\/a><br><code class="small">corp<\/code>/);
      assert.match(page.text, /https:\/\/login\.corp\.example/);
      assert.match(page.text, /<code>idp-gateway<\/code>/);
      assert.ok(page.text.includes(`<code>${t.services.upstream.redirectUri("corp")}</code>`), "the redirect URI to register");
      assert.match(page.text, /<td>0<\/td>\s*<td class="ok">enabled<\/td>/, "no linked users yet, enabled");
      const login = await loginPage();
      assert.match(login, /href="\/login\/upstream\/corp">Sign in with Corp SSO<\/a>/);

      for (const html of [page.text, login, (await admin.get("/admin/audit")).text]) assert.ok(!html.includes(SECRET), "the client secret is on no page");
      const stored = await t.services.db.prisma.upstreamIdp.findUniqueOrThrow({ where: { slug: "corp" } });
      assert.ok(stored.clientSecretEnc && !stored.clientSecretEnc.includes(SECRET), "sealed at rest");
      const corp = await t.services.upstream.idps.enabled("corp");
      assert.equal(corp?.protocol === "oidc" && corp.clientSecret, SECRET, "the secret from the form is the one used");

      const [ev] = await audits("upstream.add");
      assert.equal(ev?.actor, "admin");
      assert.equal(ev?.target, "upstream:corp");
      assert.equal(ev?.outcome, "success");
    });

    test("bad input redraws the form with the message next to the field and writes nothing", async () => {
      await removeAll();
      assert.equal((await add({ slug: "taken" })).status, 303);
      const before = await count();
      const events = (await audits("upstream.add")).length;
      const fresh = { slug: "fresh" };
      for (const [over, field, status] of [
        [{ slug: "Not A Slug" }, "slug", 400],
        [{ slug: "taken" }, "slug", 409],
        [{ issuer: "http://login.corp.example" }, "issuer", 400],
        [{ issuer: "not a url" }, "issuer", 400],
        [{ clientSecret: "" }, "clientSecret", 400],
        [{ displayName: " " }, "displayName", 400],
        [{ scopes: "profile email" }, "scopes", 400],
      ] as const) {
        const res = await add({ ...fresh, ...over });
        assert.equal(res.status, status, JSON.stringify(over));
        assert.match(res.text, new RegExp(`aria-invalid="true" aria-describedby="f-${field}-error"`), JSON.stringify(over));
        assert.match(res.text, new RegExp(`<p class="field-error" id="f-${field}-error">`), JSON.stringify(over));
        assert.ok(!res.text.includes(SECRET), "the secret is not drawn back");
        assert.match(res.text, /name="displayName" type="text" value="[^"]+"/, "what was typed stays");
      }
      assert.equal(await count(), before);
      assert.equal((await audits("upstream.add")).length, events);
      assert.doesNotMatch(await loginPage(), /\/login\/upstream\/fresh/);
    });

    test("disable hides the button, enable brings it back; audited with the admin", async () => {
      await removeAll();
      assert.equal((await add()).status, 303);
      let res = await admin.submit("/admin/upstreams", "/admin/upstreams/corp/disable", {});
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/admin/upstreams?notice=upstreamDisabled");
      assert.doesNotMatch(await loginPage(), /Sign in with Corp SSO/);
      assert.equal(await t.services.upstream.idps.enabled("corp"), undefined, "sign-ins through it are refused");
      const page = await admin.get("/admin/upstreams");
      assert.match(page.text, /class="deny">disabled/);
      assert.match(page.text, /action="\/admin\/upstreams\/corp\/enable"/);
      assert.equal((await audits("upstream.disable"))[0]?.actor, "admin");

      res = await admin.submit("/admin/upstreams", "/admin/upstreams/corp/enable", {});
      assert.equal(res.status, 303);
      assert.match(await loginPage(), /Sign in with Corp SSO/);
      assert.equal((await audits("upstream.enable"))[0]?.actor, "admin");

      res = await admin.submit("/admin/upstreams", "/admin/upstreams/nobody/disable", {});
      assert.equal(res.status, 404);
    });

    test("remove sits behind the confirmation step and takes the IdP and its links; the users stay", async () => {
      await removeAll();
      assert.equal((await add()).status, 303);
      await linkAlice("corp");

      const page = await admin.get("/admin/upstreams");
      assert.match(page.text, /<td>1<\/td>\s*<td class="ok">enabled/, "one linked user");
      const start = page.text.indexOf('action="/admin/upstreams/corp/delete"');
      const removeForm = page.text.slice(start, page.text.indexOf("</form>", start));
      assert.match(removeForm, /<details class="confirm">\s*<summary aria-label="Remove upstream IdP corp…">Remove…<\/summary>/);
      assert.match(removeForm, /its 1 link to local users go too, the users stay/);
      assert.ok(removeForm.includes('<button type="submit" class="danger">Remove corp</button>'));
      assert.equal(removeForm.split('type="submit"').length - 1, 1, "no other submit button");

      const res = await admin.post("/admin/upstreams/corp/delete", { _csrf: csrfFrom(page.text) });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/admin/upstreams?notice=upstreamRemoved");
      assert.equal(await count(), 0);
      assert.equal(await t.services.db.prisma.upstreamLink.count(), 0);
      assert.ok(await t.services.directory.findUserByUsername("alice"), "the local user stays");
      assert.doesNotMatch(await loginPage(), /Sign in with Corp SSO/);
      assert.match((await admin.get("/admin/upstreams")).text, /No upstream IdP yet/);
      const [ev] = await audits("upstream.remove");
      assert.equal(ev?.actor, "admin");
      assert.deepEqual(ev?.details, { linksRemoved: 1 });
      assert.equal((await admin.submit("/admin/upstreams", "/admin/upstreams/corp/delete", {})).status, 404);
    });

    test("an admin adds an upstream SAML IdP from pasted metadata; bad metadata redraws that form and writes nothing; disable hides it; auditors and bad CSRF refused", async () => {
      await removeAll();
      const metadataXml = (await t.request.get("/saml/metadata")).text;
      const samlForm = (over: Record<string, string> = {}) => ({ slug: "partner", displayName: "Partner SAML", metadataXml, usernameAttribute: "NameID", ...over });
      const addSaml = (over: Record<string, string> = {}) => admin.submit("/admin/upstreams", "/admin/upstreams/saml", samlForm(over));
      const before = await count();
      for (const [over, field, message] of [
        [{ metadataXml: "<md:EntityDescriptor" }, "metadataXml", /not well-formed/],
        [{ metadataXml: `<!DOCTYPE x>${metadataXml}` }, "metadataXml", /must not contain a DTD/],
        [{ metadataXml: "" }, "metadataXml", /Give the IdP&#39;s metadata XML/],
        [{ slug: "Bad Slug" }, "slug-saml", /lower-case letters/],
      ] as const) {
        const res = await addSaml(over);
        assert.equal(res.status, 400, JSON.stringify(over).slice(0, 80));
        assert.match(res.text, new RegExp(`<p class="field-error" id="f-${field}-error">`));
        assert.match(res.text, message);
        assert.match(res.text, /name="displayName" type="text" value="Partner SAML"/, "what was typed stays");
        assert.doesNotMatch(res.text, /id="f-slug-error"/, "the OpenID Connect form is left alone");
      }
      assert.equal(await count(), before);

      const res = await addSaml();
      assert.equal(res.status, 303, res.text.slice(0, 600));
      const page = await admin.get("/admin/upstreams");
      const sp = t.services.upstream.samlEndpoints("partner");
      assert.match(page.text, /<dt>Protocol<\/dt><dd>SAML 2.0<\/dd><dt>Entity ID<\/dt><dd>http:\/\/127\.0\.0\.1:4000<\/dd>/);
      assert.ok(page.text.includes(`<code>${sp.entityId}</code>`) && page.text.includes(`<code>${sp.acsUrl}</code>`), "the SP metadata and ACS URLs to register");
      assert.match(await loginPage(), /href="\/login\/upstream\/partner">Sign in with Partner SAML<\/a>/);
      const [ev] = await audits("upstream.add");
      assert.deepEqual([ev?.actor, ev?.target, (ev?.details as Record<string, unknown>).protocol], ["admin", "upstream:partner", "saml"]);

      assert.equal((await admin.submit("/admin/upstreams", "/admin/upstreams/partner/disable", {})).status, 303);
      assert.doesNotMatch(await loginPage(), /Sign in with Partner SAML/);
      assert.equal((await t.request.get("/login/upstream/partner/metadata")).status, 404, "no SP metadata for a disabled IdP");
      assert.equal((await admin.post("/admin/upstreams/saml", { _csrf: "wrong", ...samlForm({ slug: "other" }) })).status, 403);
      assert.equal(await count(), before + 1);
    });

    test("the edit page changes an IdP in place: a new secret (blank keeps it), bad input redrawn, a moved issuer needs the box ticked while users are linked, stale is 409; SAML certificates rolled", async () => {
      await removeAll();
      assert.equal((await add()).status, 303);
      await linkAlice("corp");
      // the version the edit form is drawn with is the stored one (the page test below checks the hidden field)
      const editOf = (slug: string) => async (fields: Record<string, string>) => admin.submit(`/admin/upstreams/${slug}`, `/admin/upstreams/${slug}/edit`, { version: String((await t.services.upstream.idps.get(slug)).version), ...fields });
      const edit = editOf("corp");
      const fields = { displayName: "Corp SSO", issuer: "https://login.corp.example", clientId: "idp-gateway", scopes: "openid profile email", usernameClaim: "preferred_username", clientSecret: "" };
      assert.match((await admin.get("/admin/upstreams")).text, /href="\/admin\/upstreams\/corp"/);
      const page = await admin.get("/admin/upstreams/corp");
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(`<code>${t.services.upstream.redirectUri("corp")}</code>`));
      assert.match(page.text, /<input id="f-clientSecret" name="clientSecret" type="password" value=""/);
      assert.match(page.text, /name="version" value="1"/);
      assert.ok(!page.text.includes(SECRET));

      let res = await edit({ ...fields, scopes: "profile", clientSecret: "typed-but-refused" });
      assert.equal(res.status, 400);
      assert.match(res.text, /<p class="field-error" id="f-scopes-error">/);
      assert.ok(!res.text.includes("typed-but-refused"), "the secret is not drawn back");
      res = await edit({ ...fields, issuer: "https://sso.corp.example" });
      assert.equal(res.status, 409);
      assert.match(res.text, /<p class="field-error" id="f-issuer-error">/);
      assert.equal((await t.services.db.prisma.upstreamIdp.findUniqueOrThrow({ where: { slug: "corp" } })).version, 1, "nothing written");

      res = await edit({ ...fields, displayName: "Corp Login", clientSecret: "new-Secret-from-the-form" });
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.equal(res.headers.location, "/admin/upstreams/corp?notice=saved");
      const corp = await t.services.upstream.idps.enabled("corp");
      assert.equal(corp?.protocol === "oidc" && corp.clientSecret, "new-Secret-from-the-form");
      assert.match(await loginPage(), /Sign in with Corp Login/);
      res = await edit({ ...fields, displayName: "Corp Login", issuer: "https://sso.corp.example", force: "on" });
      assert.equal(res.status, 303, res.text.slice(0, 400));
      const after = await t.services.upstream.idps.enabled("corp");
      assert.equal(after?.protocol === "oidc" && after.clientSecret, "new-Secret-from-the-form", "blank keeps the secret");
      assert.equal(after?.issuer, "https://sso.corp.example");
      assert.equal(await t.services.db.prisma.upstreamLink.count(), 1, "the link stays");
      const [ev] = await audits("upstream.update");
      assert.deepEqual([ev?.actor, ev?.details], ["admin", { changed: ["issuer"], issuer: "https://sso.corp.example", linksKept: 1 }]);
      res = await admin.post("/admin/upstreams/corp/edit", { _csrf: csrfFrom(page.text), version: "1", ...fields });
      assert.equal(res.status, 409, "the version the page was drawn with is stale");
      assert.equal((await admin.get("/admin/upstreams/nobody")).status, 404);

      const metadataXml = (await t.request.get("/saml/metadata")).text;
      assert.equal((await admin.submit("/admin/upstreams", "/admin/upstreams/saml", { slug: "partner", displayName: "Partner", metadataXml, usernameAttribute: "NameID" })).status, 303);
      const rolled = await testKey("idp.partner.example");
      const saml = { displayName: "Partner", metadataXml: "", entityId: "http://127.0.0.1:4000", ssoUrl: "http://127.0.0.1:4000/saml/sso", usernameClaim: "uid" };
      res = await editOf("partner")({ ...saml, certificates: "not a certificate" });
      assert.equal(res.status, 400);
      assert.match(res.text, /<p class="field-error" id="f-certificates-error">/);
      res = await editOf("partner")({ ...saml, certificates: rolled.certificatePem });
      assert.equal(res.status, 303, res.text.slice(0, 400));
      const partner = await t.services.upstream.idps.get("partner");
      assert.deepEqual([partner.certificates.length, partner.usernameClaim], [1, "uid"]);
      assert.equal(partner.certificates[0]!.replace(/\s/g, ""), rolled.certificatePem.replace(/\s/g, ""));
    });

    test("an auditor sees the list without forms and every POST is refused; a wrong CSRF token too", async () => {
      await removeAll();
      assert.equal((await add()).status, 303);
      const auditors = await t.services.directory.createGroup({ name: "auditors" }, "test");
      const bobUser = (await t.services.directory.findUserByUsername("bob"))!;
      await t.services.directory.setUserGroups(bobUser.id, bobUser.version, [...bobUser.groupIds, auditors.id], "test");
      const bob = await login(t.request, "bob");
      const page = await bob.get("/admin/upstreams");
      assert.equal(page.status, 200);
      assert.match(page.text, /<code class="small">corp<\/code>/);
      assert.doesNotMatch(page.text, /<form method="post" action="\/admin\/upstreams/, "no forms for auditors");
      assert.doesNotMatch(page.text, /name="clientSecret"/);
      assert.ok(!page.text.includes(SECRET));

      const paths = [["/admin/upstreams", form({ slug: "by-auditor" })], ["/admin/upstreams/corp/edit", { version: "1", displayName: "By auditor" }], ["/admin/upstreams/saml", { slug: "by-auditor", displayName: "X", metadataXml: "<x/>" }], ["/admin/upstreams/corp/disable", {}], ["/admin/upstreams/corp/delete", {}]] as const;
      for (const [path, fields] of paths) {
        const res = await bob.post(path, { _csrf: csrfFrom(page.text), ...fields });
        assert.equal(res.status, 403, path);
        assert.match(res.text, /Auditors can look but not change anything/);
      }
      const [ev] = await audits("admin.write");
      assert.equal(ev?.actor, "bob");
      assert.equal(ev?.outcome, "denied");
      for (const [path, fields] of paths) {
        const res = await admin.post(path, { _csrf: "wrong", ...fields });
        assert.equal(res.status, 403, path);
        assert.match(res.text, /did not come from this site/);
      }
      assert.deepEqual((await t.services.upstream.idps.list()).map((i) => [i.slug, i.enabled]), [["corp", true]]);
    });
  });
}

// Sign-in through an upstream SAML 2.0 IdP, end to end over loopback: the upstream is a second
// instance of this gateway acting as SAML IdP (the downstream's SP registered there from the
// downstream's own SP metadata, which makes the upstream require signed AuthnRequests and verify
// them with the certificates it lists). Cookie-jar browsers drive the real pages: downstream login
// page → "Sign in with …" → signed AuthnRequest (HTTP-Redirect) → upstream sign-in → auto-POST page
// → ACS → signed in downstream. The refusals post responses forged with the upstream's real key (or an
// attacker's) to a sign-in started in the same browser; one set-up serves every case.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { importSpMetadata } from "../../../src/saml/index.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, login } from "../../helpers/browser.ts";
import { startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";
import { postForm, redirectXml, testKey } from "../../helpers/saml.ts";
import { downstreamProbe } from "../../helpers/upstream.ts";
import { b64, mutateXml, samlResponseXml, signSaml, type SamlOptions, type SignOptions } from "../../helpers/sts.ts";

const SLUG = "corp-saml";
const UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

for (const backend of testBackends()) {
  describe(`upstream SAML sign-in (${backend})`, () => {
    let up: OidcTestApp;
    let down: OidcTestApp;
    let localAlice: string;
    let acs: string;
    let spEntityId: string;

    before(async () => {
      up = await startOidcApp(backend);
      down = await startOidcApp(backend, { seed: false });
      const idpMetadata = (await up.request.get("/saml/metadata")).text;
      await down.t.services.upstream.idps.add({ protocol: "saml", slug: SLUG, displayName: "Corp SAML", metadataXml: idpMetadata }, "test");
      ({ acsUrl: acs, entityId: spEntityId } = down.t.services.upstream.samlEndpoints(SLUG));
      const sp = await registerDownstream();
      assert.deepEqual(sp.acsUrls, [acs]);
      assert.equal(sp.entityId, spEntityId);
      // from AuthnRequestsSigned="true" and the KeyDescriptors: the upstream's SSO endpoint now
      // refuses an unsigned request and verifies a signed one with these certificates only
      assert.equal(sp.wantAuthnRequestsSigned, true);
      // all published keys, the active one first (for an IdP that keeps only the first)
      const published = down.t.services.keys.publishedKeys();
      assert.deepEqual(sp.certificates, published.map((k) => k.certificateBase64));
      assert.deepEqual(published.map((k) => k.state), ["active", "next"]);
      localAlice = (await down.t.services.directory.createUser({ username: "alice", password: "local-alice-password" }, "test")).id;
    });
    after(async () => {
      await down?.close();
      await up?.close();
    });

    /** The upstream registers the downstream from the SP metadata it serves (again: updates it); NameID = username. */
    async function registerDownstream() {
      const spMetadata = await down.request.get(`/login/upstream/${SLUG}/metadata`);
      assert.equal(spMetadata.status, 200);
      const sp = await importSpMetadata(up.t.services.directory, spMetadata.text, { name: "Downstream gateway", profile: "generic" }, "test");
      return up.t.services.directory.updateServiceProvider(sp.id, sp.version, { nameIdFormat: UNSPECIFIED }, "test");
    }

    const prisma = () => down.t.services.db.prisma;
    const { counts, signedInAs, lastFailure } = downstreamProbe(() => down);

    /** Downstream login page → "Sign in with Corp SAML": the AuthnRequest sent upstream and its RelayState. */
    async function start(b: Browser, returnTo?: string) {
      const page = await b.get(returnTo ? `/login?return_to=${encodeURIComponent(returnTo)}` : "/login");
      const href = new RegExp(`href="(/login/upstream/${SLUG}[^"]*)"[^>]*>Sign in with Corp SAML<`).exec(page.text)?.[1]?.replace(/&amp;/g, "&");
      assert.ok(href, "the login page offers Sign in with Corp SAML");
      const res = await b.get(href!);
      assert.equal(res.status, 303, res.text.slice(0, 300));
      const location = new URL(res.headers.location!);
      assert.equal(location.origin + location.pathname, `${up.base}/saml/sso`);
      assert.equal(location.searchParams.get("SigAlg"), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
      assert.ok(location.searchParams.get("Signature"));
      const request = redirectXml(location.href);
      const requestId = /ID="([^"]+)"/.exec(request)![1]!;
      return { location, request, requestId, relayState: location.searchParams.get("RelayState")! };
    }

    /** `username` signs in at the upstream, which answers the AuthnRequest at `query`: its auto-POST form to our ACS. */
    async function upstreamAnswer(query: string, username: string) {
      const upstream = await login(up.request, username);
      const page = await upstream.get(`/saml/sso${query}`);
      assert.equal(page.status, 200, page.text.slice(0, 400));
      const form = postForm(page.text);
      assert.equal(form.action, acs);
      return form;
    }

    /** The whole happy path for `username` at the upstream; returns the ACS answer. */
    async function signInThroughUpstream(b: Browser, username: string, returnTo?: string) {
      const { location } = await start(b, returnTo);
      const form = await upstreamAnswer(location.search, username);
      return b.post(new URL(form.action).pathname, form.fields, { Origin: up.base });
    }

    /** The upstream answers the AuthnRequest at `query` with RequestDenied, audited as a bad signature: its form and message. */
    async function refusedUpstream(query: string) {
      const last = () => up.t.services.db.prisma.auditEvent.findFirst({ where: { action: "saml.sso", outcome: "failure" }, orderBy: { id: "desc" } });
      const before = (await last())?.id ?? 0n;
      const form = await upstreamAnswer(query, "bob");
      const refusal = await last();
      assert.ok(refusal && refusal.id > before, "the upstream audited a refusal");
      assert.equal((refusal.details as Record<string, unknown>).reason, "bad_signature");
      const xml = Buffer.from(form.fields.SAMLResponse!, "base64").toString("utf8");
      assert.match(xml, /status:RequestDenied/);
      assert.doesNotMatch(xml, /<saml:Assertion/);
      return { form, xml };
    }

    /** A response for the sign-in `requestId`, as the upstream would send it for `bob`, then signed (unless `sign` is false). */
    function forge(requestId: string, o: SamlOptions & SignOptions & { sign?: boolean } = {}): string {
      const xml = samlResponseXml(up.base, {
        nameId: "bob",
        nameIdFormat: UNSPECIFIED,
        recipient: acs,
        audiences: [[spEntityId]],
        inResponseTo: requestId,
        attributesXml: `<saml:Attribute Name="name"><saml:AttributeValue>Bob Example</saml:AttributeValue></saml:Attribute>`,
        ...o,
      });
      return o.sign === false ? xml : signSaml(up.t.services, xml, o);
    }

    test("SP metadata, AuthnRequest; first sign-in creates a local user and its link, return_to kept; the second reuses the link", async () => {
      const metadata = await down.request.get(`/login/upstream/${SLUG}/metadata`);
      assert.match(metadata.text, new RegExp(`entityID="${spEntityId}"`));
      assert.match(metadata.text, new RegExp(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${acs}"`));
      const b0 = new Browser(down.request);
      const { request } = await start(b0);
      assert.match(request, new RegExp(`AssertionConsumerServiceURL="${acs}"`));
      assert.match(request, new RegExp(`<saml:Issuer>${spEntityId}</saml:Issuer>`));

      const before = await counts();
      const b = new Browser(down.request);
      const res = await signInThroughUpstream(b, "bob", "/account/sessions");
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.equal(res.headers.location, "/account/sessions");
      assert.equal(await signedInAs(b), "bob");
      const bob = (await down.t.services.directory.findUserByUsername("bob"))!;
      assert.equal(bob.displayName, "Bob Example");
      const link = await prisma().upstreamLink.findFirst({ where: { userId: bob.id } });
      assert.equal(link?.subject, "bob", "linked by NameID");
      const session = await down.t.services.auth.sessions.load(b.session!);
      assert.deepEqual(session!.session.amr, ["fed"]);
      const success = await prisma().auditEvent.findFirst({ where: { action: "login.success" }, orderBy: { id: "desc" } });
      assert.equal((success!.details as Record<string, unknown>).method, `upstream:${SLUG}`);
      assert.deepEqual(await counts(), { users: before.users + 1, links: before.links + 1, sessions: before.sessions + 1 });

      const again = new Browser(down.request);
      const res2 = await signInThroughUpstream(again, "bob");
      assert.equal(res2.status, 303, res2.text.slice(0, 400));
      assert.equal(res2.headers.location, "/");
      assert.equal(await signedInAs(again), "bob");
      const after = await counts();
      assert.deepEqual([after.users, after.links], [before.users + 1, before.links + 1], "no second user or link");
    });

    test("an existing local user with the same username is not taken over: a distinct user is created", async () => {
      const b = new Browser(down.request);
      const res = await signInThroughUpstream(b, "alice");
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.equal(await signedInAs(b), `alice.${SLUG}`);
      assert.equal(await prisma().upstreamLink.count({ where: { userId: localAlice } }), 0);
      assert.equal(await prisma().webSession.count({ where: { userId: localAlice } }), 0);
    });

    test("a forged but well-formed response is accepted once: replaying its assertion ID in a new sign-in is refused", async () => {
      const b = new Browser(down.request);
      const first = await start(b);
      const assertionId = `_a${Date.now()}`;
      const ok = await b.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(forge(first.requestId, { assertionId })), RelayState: first.relayState });
      assert.equal(ok.status, 303, ok.text.slice(0, 400));
      assert.equal(await signedInAs(b), "bob");

      const c = new Browser(down.request);
      const second = await start(c);
      const before = await counts();
      const replay = await c.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(forge(second.requestId, { assertionId })), RelayState: second.relayState });
      assert.equal(replay.status, 403, replay.text.slice(0, 400));
      assert.match(String(replay.headers["content-type"]), /text\/html/);
      assert.equal((await lastFailure()).reason, "response_replayed");
      assert.deepEqual(await counts(), before);
      // the same POST again: its state was used up by the first attempt
      const twice = await c.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(forge(second.requestId)), RelayState: second.relayState });
      assert.equal(twice.status, 400);
      assert.equal((await lastFailure()).reason, "state_mismatch");
    });

    test("an upstream AuthnContext of REFEDS MFA counts as MFA downstream (amr fed + mfa), without asking for local TOTP", async () => {
      const b = new Browser(down.request);
      const { requestId, relayState } = await start(b);
      const xml = forge(requestId, { sign: false }).replace("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", "https://refeds.org/profile/mfa");
      assert.match(xml, /refeds\.org\/profile\/mfa/);
      const res = await b.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(signSaml(up.t.services, xml)), RelayState: relayState });
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.deepEqual((await down.t.services.auth.sessions.load(b.session!))!.session.amr, ["fed", "mfa"]);
    });

    test("group mappers: any value of a multi-valued attribute in the signed assertion, matched exactly, decides the mapped group", async () => {
      const group = await down.t.services.directory.createGroup({ name: "saml-admins" }, "test");
      await down.t.services.upstream.groupMappings.add({ slug: SLUG, claim: "memberOf", value: "cn=aws-admins", group: "saml-admins" }, "test");
      const signInWith = async (...values: string[]) => {
        const b = new Browser(down.request);
        const { requestId, relayState } = await start(b);
        const memberOf = `<saml:Attribute Name="memberOf">${values.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join("")}</saml:Attribute>`;
        const res = await b.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(forge(requestId, { attributesXml: memberOf })), RelayState: relayState });
        assert.equal(res.status, 303, res.text.slice(0, 400));
        return (await down.t.services.directory.findUserByUsername("bob"))!.groupIds.includes(group.id);
      };
      assert.equal(await signInWith("cn=staff", "cn=aws-admins"), true, "the second value matches");
      assert.equal(await signInWith("cn=AWS-Admins"), false, "case-sensitive: removed");
      await down.t.services.upstream.groupMappings.remove({ slug: SLUG, claim: "memberOf", value: "cn=aws-admins", group: "saml-admins" }, "test");
    });

    const signedBob = (requestId: string) => forge(requestId);
    const wrapped = (requestId: string) =>
      // XSW: the genuinely signed assertion stays, an unsigned copy naming "admin" is put before it
      mutateXml(signedBob(requestId), (doc) => {
        const original = doc.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "Assertion")[0];
        const evil = original.cloneNode(true);
        evil.setAttribute("ID", "_evil");
        evil.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "NameID")[0].textContent = "admin";
        const sig = evil.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Signature")[0];
        evil.removeChild(sig);
        original.parentNode.insertBefore(evil, original);
      });

    const refusals: [string, number, string, (requestId: string) => Promise<string> | string][] = [
      ["unsigned", 403, "response_unsigned", (id) => forge(id, { sign: false })],
      ["signed with an attacker's key", 403, "response_signature", async (id) => {
        const attacker = await testKey("attacker.example");
        return forge(id, { privateKey: attacker.privateKey, certificatePem: attacker.certificatePem });
      }],
      ["expired", 403, "response_expired", (id) => forge(id, { now: Date.now() - 15 * 60_000, lifetime: 300 })],
      ["for another audience", 403, "response_audience", (id) => forge(id, { audiences: [["https://other-sp.example/metadata"]] })],
      ["for another recipient", 403, "response_recipient", (id) => forge(id, { recipient: "https://other-sp.example/acs", destination: null })],
      ["answering another request (InResponseTo)", 403, "response_in_response_to", () => forge("_someone-elses-request")],
      ["from another issuer", 403, "response_issuer", (id) => forge(id, { issuer: "https://evil.example/idp" })],
      ["wrapped (XSW: a second, unsigned assertion)", 403, "response_malformed", wrapped],
      ["with a DOCTYPE", 403, "response_dtd", (id) => signedBob(id).replace("<samlp:Response", `<!DOCTYPE r [<!ENTITY x "admin">]><samlp:Response`)],
      ["with a transient NameID (no account to link)", 403, "nameid_transient", (id) => forge(id, { nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", nameId: "_a1b2c3" })],
      ["an error status (the upstream refused the person)", 403, "upstream_access_denied", (id) => forge(id, { sign: false, status: "urn:oasis:names:tc:SAML:2.0:status:Responder" })],
    ];

    for (const [name, status, reason, make] of refusals) {
      test(`refused, nothing written, audited: a response ${name}`, async () => {
        const b = new Browser(down.request);
        const { requestId, relayState } = await start(b);
        const before = await counts();
        const res = await b.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(await make(requestId)), RelayState: relayState });
        assert.equal(res.status, status, res.text.slice(0, 400));
        assert.match(String(res.headers["content-type"]), /text\/html/);
        assert.doesNotMatch(res.text, /at .*\.ts:\d+/, "no stack trace");
        assert.equal(b.session, undefined);
        assert.deepEqual(await counts(), before);
        const failure = await lastFailure();
        assert.deepEqual([failure.method, failure.reason], [`upstream:${SLUG}`, reason]);
      });
    }

    test("refused: a response posted without the browser's state cookie (login CSRF), or with another RelayState", async () => {
      const b = new Browser(down.request);
      const { requestId, relayState } = await start(b);
      const other = new Browser(down.request);
      const res = await other.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(signedBob(requestId)), RelayState: relayState });
      assert.equal(res.status, 400, res.text.slice(0, 400));
      assert.equal((await lastFailure()).reason, "state_mismatch");
      // the browser has two sign-ins in flight: a response answering the second, posted with the
      // first's RelayState, finds the first's state and is refused, since it does not answer that request
      const second = await start(b);
      const mixed = await b.post(`/login/upstream/${SLUG}/acs`, { SAMLResponse: b64(signedBob(second.requestId)), RelayState: relayState });
      assert.equal(mixed.status, 403, mixed.text.slice(0, 400));
      assert.equal((await lastFailure()).reason, "response_in_response_to");
      assert.equal(b.session, undefined);
    });

    // the upstream refuses, the person is sent back with an error status, and nobody signs in
    const tampered: [string, string, (q: URLSearchParams) => void][] = [
      ["without its signature", "This service provider must sign its requests", (q) => (q.delete("Signature"), q.delete("SigAlg"))],
      ["with another RelayState", "does not verify", (q) => q.set("RelayState", "another-state")],
      ["with SigAlg changed to RSA-SHA512", "does not verify", (q) => q.set("SigAlg", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512")],
    ];
    for (const [name, message, tamper] of tampered) {
      test(`the upstream refuses the AuthnRequest ${name}; nobody signs in`, async () => {
        const b = new Browser(down.request);
        const { location, relayState } = await start(b);
        const q = new URLSearchParams(location.search);
        tamper(q);
        const { form, xml } = await refusedUpstream(`?${q}`);
        assert.match(xml, new RegExp(message));
        const before = await counts();
        const res = await b.post(`/login/upstream/${SLUG}/acs`, { ...form.fields, RelayState: relayState }, { Origin: up.base });
        assert.equal(res.status, 403, res.text.slice(0, 400));
        assert.equal((await lastFailure()).reason, "upstream_access_denied");
        assert.equal(b.session, undefined);
        assert.deepEqual(await counts(), before);
      });
    }

    // last: it rotates the downstream's keys
    test("a key rotation downstream: the upstream keeps verifying with the metadata it imported before (the next key was in it); a key it was never given is refused until the metadata is imported again", async () => {
      const keys = down.t.services.keys;
      const imported = (await up.t.services.directory.snapshot()).spByEntityId.get(spEntityId)!.certificates;
      const activeCert = () => keys.publishedKeys().find((k) => k.state === "active")!.certificateBase64;
      await keys.rotate("test");
      assert.ok(imported.includes(activeCert()), "the new active key was the published next key");
      const b = new Browser(down.request);
      assert.equal((await signInThroughUpstream(b, "bob")).status, 303);
      assert.equal(await signedInAs(b), "bob");

      await keys.rotate("test");
      assert.ok(!imported.includes(activeCert()), "this key was created after the upstream imported the metadata");
      const c = new Browser(down.request);
      const { location } = await start(c);
      await refusedUpstream(location.search);

      await registerDownstream();
      const d = new Browser(down.request);
      assert.equal((await signInThroughUpstream(d, "bob")).status, 303);
      assert.equal(await signedInAs(d), "bob");
    });
  });
}

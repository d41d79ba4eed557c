// Sign-in through an upstream OpenID Connect IdP, end to end over loopback: the upstream is a
// second instance of this gateway (its own database, a confidential client registered with the
// downstream's redirect URI). A cookie-jar browser per site drives the real pages: downstream
// login page → "Sign in with …" → upstream login → callback → signed in downstream.
import assert from "node:assert/strict";
import { createServer as createHttpServer, type ServerResponse } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { TOTP_PERIOD, totpAt } from "../../../src/auth/index.ts";
import { openTotpSecret } from "../../../src/auth/mfa/totp-secrets.ts";
import { rolesFor } from "../../../src/claims/index.ts";
import { effectiveGroupsOf } from "../../../src/directory/index.ts";
import { sealClientSecret } from "../../../src/oidc/index.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD, csrfFrom, inputValue } from "../../helpers/browser.ts";
import { drive, startOidcApp, type DriveOptions, type OidcTestApp } from "../../helpers/oidc.ts";
import { holdNextSessionCreate } from "../../helpers/races.ts";
import { downstreamProbe } from "../../helpers/upstream.ts";

const SECRET = "downstream-client-secret-for-tests";
const SLUG = "corp";

for (const backend of testBackends()) {
  describe(`upstream OIDC sign-in (${backend})`, () => {
    let up: OidcTestApp;
    let down: OidcTestApp;
    let localAlice: string;

    before(async () => {
      up = await startOidcApp(backend);
      down = await startOidcApp(backend, { seed: false });
      await up.t.services.directory.createOidcClient(
        {
          clientId: "downstream",
          name: "Downstream gateway",
          firstParty: true,
          secretEnc: sealClientSecret(up.t.services.box, "downstream", SECRET),
          metadata: { redirect_uris: [`${down.base}/login/upstream/${SLUG}/callback`], grant_types: ["authorization_code"], response_types: ["code"] },
        },
        "test",
      );
      // with the groups scope, this gateway as upstream puts a `groups` claim in the ID token (for the group mappers)
      await down.t.services.upstream.idps.add({ slug: SLUG, displayName: "Corp SSO", issuer: up.base, clientId: "downstream", clientSecret: SECRET, scopes: ["openid", "profile", "email", "groups"] }, "test");
      // a local account with the same username as an upstream one: must never be taken over
      localAlice = (await down.t.services.directory.createUser({ username: "alice", password: "local-alice-password" }, "test")).id;
    });
    after(async () => {
      await down?.close();
      await up?.close();
    });

    const prisma = () => down.t.services.db.prisma;
    const { counts, signedInAs, lastFailure } = downstreamProbe(() => down);

    /** Downstream login page → the Corp SSO button → upstream sign-in; returns the downstream callback path, not yet visited. */
    async function toCallback(b: Browser, username: string, returnTo?: string, onPage?: DriveOptions["onPage"]): Promise<string> {
      const page = await b.get(returnTo ? `/login?return_to=${encodeURIComponent(returnTo)}` : "/login");
      assert.equal(page.status, 200);
      const href = /href="(\/login\/upstream\/corp[^"]*)"[^>]*>Sign in with Corp SSO</.exec(page.text)?.[1]?.replace(/&amp;/g, "&");
      assert.ok(href, "the login page offers Sign in with Corp SSO");
      const start = await b.get(href!);
      assert.equal(start.status, 303, start.text.slice(0, 300));
      const authorize = new URL(start.headers.location!);
      assert.equal(authorize.origin, up.base);
      assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
      assert.ok(authorize.searchParams.get("nonce") && authorize.searchParams.get("state"));
      const callback = new URL(await drive(new Browser(up.request), up.base, authorize.pathname + authorize.search, { username, password: DEMO_PASSWORD, onPage }));
      assert.equal(callback.origin + callback.pathname, `${down.base}/login/upstream/${SLUG}/callback`);
      return callback.pathname + callback.search;
    }

    function assertErrorPage(res: { status: number; text: string; headers: Record<string, unknown> }, status: number, text: RegExp) {
      assert.equal(res.status, status, res.text.slice(0, 400));
      assert.match(String(res.headers["content-type"]), /text\/html/);
      assert.match(res.text, text);
      assert.doesNotMatch(res.text, /at .*\.ts:\d+/, "no stack trace");
    }

    /** Runs `run` with the upstream IdP `idp` added and every upstream request timing out after 1 s; removes it after. */
    async function withUpstreamTimingOut(idp: { slug: string; displayName: string; issuer: string }, run: () => Promise<void>) {
      const clients = down.t.services.upstream.clients;
      const timeout = clients.timeoutSeconds;
      clients.timeoutSeconds = 1;
      try {
        await down.t.services.upstream.idps.add({ ...idp, clientId: "x", clientSecret: "y" }, "test");
        await run();
      } finally {
        clients.timeoutSeconds = timeout;
        await down.t.services.upstream.idps.remove(idp.slug, "test");
      }
    }

    test("first sign-in creates a local user and its link; return_to is kept; the second reuses the link", async () => {
      const before = await counts();
      const b = new Browser(down.request);
      const res = await b.get(await toCallback(b, "bob", "/account/sessions"));
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.equal(res.headers.location, "/account/sessions");
      assert.equal(await signedInAs(b), "bob");
      const bob = await down.t.services.directory.findUserByUsername("bob");
      assert.ok(bob);
      // this gateway as upstream sends email_verified: false, and only a verified address is copied
      assert.equal(bob.email, null);
      assert.equal(bob.displayName, "Bob Example");
      const upBob = await up.t.services.directory.findUserByUsername("bob");
      const link = await prisma().upstreamLink.findFirst({ where: { userId: bob.id } });
      assert.equal(link?.subject, upBob!.id);
      const session = await down.t.services.auth.sessions.load(b.session!);
      assert.deepEqual(session!.session.amr, ["fed"]);
      assert.ok(session!.session.authTime);
      const success = await prisma().auditEvent.findFirst({ where: { action: "login.success" }, orderBy: { id: "desc" } });
      assert.equal((success!.details as Record<string, unknown>).method, "upstream:corp");
      assert.deepEqual(await counts(), { users: before.users + 1, links: before.links + 1, sessions: before.sessions + 1 });

      const again = new Browser(down.request);
      const res2 = await again.get(await toCallback(again, "bob"));
      assert.equal(res2.status, 303);
      assert.equal(res2.headers.location, "/");
      assert.equal(await signedInAs(again), "bob");
      const after = await counts();
      assert.equal(after.users, before.users + 1, "no second user");
      assert.equal(after.links, before.links + 1, "no second link");
    });

    test("group mappers: the upstream's groups claim puts the user in the mapped local group (and its AWS role), takes it away when the upstream does; unmapped groups stay; an unchanged sign-in writes nothing", async () => {
      const { directory, upstream } = down.t.services;
      const finops = await directory.createGroup({ name: "finops" }, "test");
      const localOnly = await directory.createGroup({ name: "local-only" }, "test");
      const role = await directory.createRole({ arn: "arn:aws:iam::111122223333:role/FinOps", samlProviderArn: "arn:aws:iam::111122223333:saml-provider/idp-gateway" }, "test");
      await directory.mapGroupToRole({ groupId: finops.id, roleId: role.id }, "test");
      await upstream.groupMappings.add({ slug: SLUG, claim: "groups", value: "finance", group: "finops" }, "test");
      const bob = (await directory.findUserByUsername("bob"))!; // linked by the first test
      await directory.setUserGroups(bob.id, bob.version, [localOnly.id], "test");
      const signIn = async () => {
        const b = new Browser(down.request);
        assert.equal((await b.get(await toCallback(b, "bob"))).status, 303);
        assert.equal(await signedInAs(b), "bob");
        const user = (await directory.findUserByUsername("bob"))!;
        const snapshot = await directory.snapshot();
        const roles = rolesFor(snapshot, effectiveGroupsOf(snapshot, user.groupIds), { kind: "saml", id: "urn:amazon:webservices" }, down.base).map((r) => r.roleArn);
        return { groups: effectiveGroupsOf(snapshot, user.groupIds).map((g) => g.name).sort(), roles };
      };
      const syncs = async () => (await down.t.services.audit.query({ action: "directory.user.groups", actor: `upstream:${SLUG}`, limit: 100 })).length;

      // upstream bob is in upstream group finance (the demo data)
      assert.deepEqual(await signIn(), { groups: ["finops", "local-only"], roles: [role.arn] });
      const [ev] = await down.t.services.audit.query({ action: "directory.user.groups", limit: 1 });
      assert.equal(ev?.actor, "upstream:corp");
      assert.deepEqual((ev?.details as { added: string[] }).added, [finops.id]);
      const success = await prisma().auditEvent.findFirst({ where: { action: "login.success" }, orderBy: { id: "desc" } });
      assert.ok(((success!.details as { claimNames: string[] }).claimNames).includes("groups"), "the audit names the claims the upstream sent");

      const writes = await syncs();
      assert.deepEqual(await signIn(), { groups: ["finops", "local-only"], roles: [role.arn] });
      assert.equal(await syncs(), writes, "an unchanged sign-in writes nothing");

      // the upstream takes bob out of finance: the next sign-in takes him out of finops; local-only stays
      const upBob = (await up.t.services.directory.findUserByUsername("bob"))!;
      await up.t.services.directory.setUserGroups(upBob.id, upBob.version, [], "test");
      try {
        assert.deepEqual(await signIn(), { groups: ["local-only"], roles: [] });
        assert.equal(await syncs(), writes + 1);
      } finally {
        const now = (await up.t.services.directory.findUserByUsername("bob"))!;
        await up.t.services.directory.setUserGroups(now.id, now.version, upBob.groupIds, "test");
        await upstream.groupMappings.remove({ slug: SLUG, claim: "groups", value: "finance", group: "finops" }, "test");
      }
    });

    test("an existing local user with the same username is not taken over: a distinct user is created", async () => {
      const b = new Browser(down.request);
      const res = await b.get(await toCallback(b, "alice"));
      assert.equal(res.status, 303, res.text.slice(0, 400));
      const who = await signedInAs(b);
      assert.equal(who, "alice.corp");
      const created = await down.t.services.directory.findUserByUsername("alice.corp");
      assert.notEqual(created!.id, localAlice);
      assert.equal(await prisma().upstreamLink.count({ where: { userId: localAlice } }), 0);
      assert.equal(await prisma().webSession.count({ where: { userId: localAlice } }), 0);
    });

    test("an upstream sign-in with a second factor counts as MFA downstream, without asking for local TOTP", async () => {
      // "admin" turns on TOTP at the upstream; the upstream's ID token then says amr ["pwd", "otp"]
      const { directory, auth, box, db } = up.t.services;
      const admin = (await directory.findUserByUsername("admin"))!;
      await auth.mfa.beginEnrolment(admin);
      const row = await db.prisma.user.findUniqueOrThrow({ where: { id: admin.id } });
      const secret = openTotpSecret(box, admin.id, row.totpSecretEnc!);
      await auth.mfa.confirmEnrolment(admin, totpAt(secret, new Date()));
      const mfaStep: DriveOptions["onPage"] = (ub, path, res) => {
        if (!path.startsWith("/login/mfa")) return Promise.resolve(undefined);
        const returnTo = inputValue(res.text, "return_to");
        return ub.post("/login/mfa", { _csrf: csrfFrom(res.text), code: totpAt(secret, new Date(Date.now() + TOTP_PERIOD * 1000)), ...(returnTo ? { return_to: returnTo } : {}) }, { Origin: up.base });
      };
      const b = new Browser(down.request);
      const res = await b.get(await toCallback(b, "admin", undefined, mfaStep));
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.equal(res.headers.location, "/", "no local second-factor step");
      const session = await down.t.services.auth.sessions.load(b.session!);
      assert.equal(session!.user.username, "admin");
      assert.equal(session!.session.pendingMfa, false);
      assert.deepEqual(session!.session.amr, ["fed", "mfa"]);
    });

    test("state mismatch: a callback whose state is not this browser's is refused, nothing written", async () => {
      const victim = new Browser(down.request);
      const callback = await toCallback(new Browser(down.request), "bob");
      const before = await counts();
      // the callback delivered to a browser that did not start this sign-in (login CSRF)
      assertErrorPage(await victim.get(callback), 400, /did not start in this browser/);
      assert.equal(victim.session, undefined);
      // the starting browser with a tampered state
      const b = new Browser(down.request);
      const own = new URL(await toCallback(b, "bob"), down.base);
      own.searchParams.set("state", "A".repeat(43));
      assertErrorPage(await b.get(own.pathname + own.search), 400, /did not start in this browser/);
      assert.deepEqual(await counts(), before);
      assert.equal((await lastFailure()).reason, "state_mismatch");
    });

    test("two sign-ins started in two tabs of one browser both finish, the older one first; each callback takes only its own state", async () => {
      const b = new Browser(down.request);
      const first = await toCallback(b, "bob");
      const second = await toCallback(b, "bob");
      const stateOf = (path: string) => new URL(path, down.base).searchParams.get("state")!;
      assert.equal(b.cookie("idp_upstream"), `${stateOf(second)}.${stateOf(first)}`, "newest first");
      const res1 = await b.get(first);
      assert.equal(res1.status, 303, res1.text.slice(0, 300));
      assert.equal(await signedInAs(b), "bob");
      assert.equal(b.cookie("idp_upstream"), stateOf(second), "the other tab's state stays");
      const res2 = await b.get(second);
      assert.equal(res2.status, 303, res2.text.slice(0, 300));
      assert.equal(await signedInAs(b), "bob");
      assert.equal(b.cookie("idp_upstream"), undefined, "cleared with the last one");
    });

    test("a replayed callback is refused and starts no session", async () => {
      const b = new Browser(down.request);
      const callback = await toCallback(b, "bob");
      const cookie = b.cookie("idp_upstream")!;
      assert.equal((await b.get(callback)).status, 303);
      const before = await counts();
      const replay = new Browser(down.request);
      replay.jar.set("idp_upstream", cookie);
      assertErrorPage(await replay.get(callback), 400, /expired or was already used/);
      assert.equal(replay.session, undefined);
      assert.deepEqual(await counts(), before);
      assert.equal((await lastFailure()).reason, "state_unknown");
    });

    test("the upstream's error=access_denied gives the error page; nothing written", async () => {
      const b = new Browser(down.request);
      const start = await b.get(`/login/upstream/${SLUG}`);
      assert.equal(start.status, 303);
      const state = new URL(start.headers.location!).searchParams.get("state")!;
      const before = await counts();
      const res = await b.get(`/login/upstream/${SLUG}/callback?error=access_denied&error_description=user+said+no&state=${state}`);
      assertErrorPage(res, 403, /cancelled or refused/);
      assert.equal(b.session, undefined);
      assert.deepEqual(await counts(), before);
      assert.equal((await lastFailure()).reason, "upstream_access_denied");
    });

    test("an ID token that fails verification (nonce) is refused; nothing written", async () => {
      const b = new Browser(down.request);
      const callback = await toCallback(b, "bob");
      await prisma().upstreamLoginState.updateMany({ data: { nonce: "not-the-nonce-that-was-sent" } });
      const before = await counts();
      assertErrorPage(await b.get(callback), 403, /could not be verified/);
      assert.equal(b.session, undefined);
      assert.deepEqual(await counts(), before);
      assert.equal((await lastFailure()).reason, "id_token_invalid");
    });

    test("unknown or disabled slug: 404 page", async () => {
      const b = new Browser(down.request);
      assertErrorPage(await b.get("/login/upstream/nope"), 404, /no such sign-in option/);
      assertErrorPage(await b.get("/login/upstream/nope/callback?code=x&state=y"), 404, /no such sign-in option/);
      await down.t.services.upstream.idps.add({ slug: "off", displayName: "Switched off", issuer: up.base, clientId: "downstream", clientSecret: SECRET, enabled: false }, "test");
      assertErrorPage(await b.get("/login/upstream/off"), 404, /no such sign-in option/);
      assert.doesNotMatch((await b.get("/login")).text, /Switched off/);
    });

    test("an unreachable upstream gives a clear 503 page", async () => {
      // a loopback port nobody listens on: the up app's port after it has been closed would race, so use port 9 (discard)
      await down.t.services.upstream.idps.add({ slug: "gone", displayName: "Gone IdP", issuer: "http://127.0.0.1:9", clientId: "x", clientSecret: "y" }, "test");
      const b = new Browser(down.request);
      assertErrorPage(await b.get("/login/upstream/gone"), 503, /Gone IdP cannot be reached/);
      assert.equal((await lastFailure()).reason, "discovery_failed");
      await down.t.services.upstream.idps.remove("gone", "test");
    });

    test("an upstream that accepts the connection but never answers times out into a clear 503 page", async () => {
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        await withUpstreamTimingOut({ slug: "slow", displayName: "Slow IdP", issuer: `http://127.0.0.1:${port}` }, async () => {
          assertErrorPage(await new Browser(down.request).get("/login/upstream/slow"), 503, /Slow IdP cannot be reached/);
        });
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    test("an upstream whose token endpoint never answers: the callback times out into a clear 503 page, nothing written", async () => {
      // discovery answers; the token endpoint takes the request and never replies
      const held: ServerResponse[] = [];
      const tardy = createHttpServer((req, res) => {
        const base = `http://127.0.0.1:${(tardy.address() as { port: number }).port}`;
        if (req.url === "/.well-known/openid-configuration") {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ issuer: base, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`, response_types_supported: ["code"] }));
        } else held.push(res);
      });
      await new Promise<void>((resolve) => tardy.listen(0, "127.0.0.1", resolve));
      const issuer = `http://127.0.0.1:${(tardy.address() as { port: number }).port}`;
      try {
        await withUpstreamTimingOut({ slug: "tardy", displayName: "Tardy IdP", issuer }, async () => {
          const b = new Browser(down.request);
          const start = await b.get("/login/upstream/tardy");
          assert.equal(start.status, 303, start.text.slice(0, 300));
          const state = new URL(start.headers.location!).searchParams.get("state");
          const before = await counts();
          assertErrorPage(await b.get(`/login/upstream/tardy/callback?code=never-redeemed&state=${state}`), 503, /Tardy IdP cannot be reached/);
          assert.equal(held.length, 1, "the code was sent to the token endpoint");
          assert.equal((await lastFailure()).reason, "upstream_unreachable");
          assert.deepEqual(await counts(), before);
          assert.equal(b.session, undefined);
        });
      } finally {
        for (const res of held) res.destroy();
        tardy.close();
      }
    });

    test("access ended while the callback is in flight (sign out everywhere commits before the session insert): refused, no session", async () => {
      const bob = (await down.t.services.directory.findUserByUsername("bob"))!;
      const b = new Browser(down.request);
      const callback = await toCallback(b, "bob");
      holdNextSessionCreate(down.t.services.auth.sessions, () =>
        down.t.services.auth.endEverywhere(down.t.services.oidc.consents, { userId: bob.id, username: bob.username, actor: bob.username, action: "auth.sessions.end_all" }),
      );
      const before = await counts();
      assertErrorPage(await b.get(callback), 403, /This sign-in has ended/);
      assert.equal(b.session, undefined);
      assert.equal((await counts()).sessions, before.sessions - (await endedSessions()), "no session was created");
      assert.equal((await lastFailure()).reason, "access_ended");
      const success = await prisma().auditEvent.findFirst({ where: { action: "login.success" }, orderBy: { id: "desc" } });
      const failure = await prisma().auditEvent.findFirst({ where: { action: "login.failure" }, orderBy: { id: "desc" } });
      assert.ok(failure!.id > success!.id, "not audited as a success");

      async function endedSessions() {
        const e = await prisma().auditEvent.findFirst({ where: { action: "auth.sessions.end_all" }, orderBy: { id: "desc" } });
        return Number((e!.details as { sessions?: number }).sessions ?? 0);
      }
    });

    test("a disabled local user is refused", async () => {
      const bob = (await down.t.services.directory.findUserByUsername("bob"))!;
      await down.t.services.directory.setUserDisabled(bob.id, bob.version, true, "test");
      try {
        const b = new Browser(down.request);
        const callback = await toCallback(b, "bob");
        const before = await counts();
        assertErrorPage(await b.get(callback), 403, /disabled/);
        assert.equal(b.session, undefined);
        assert.deepEqual(await counts(), before);
        assert.equal((await lastFailure()).reason, "disabled");
      } finally {
        const now = (await down.t.services.directory.findUserByUsername("bob"))!;
        await down.t.services.directory.setUserDisabled(now.id, now.version, false, "test");
      }
    });

    // last: it leaves the client secret rotated
    test("after the client secret is rotated at the upstream and updated here in place, sign-in works again with the same link", async () => {
      const client = (await up.t.services.directory.snapshot()).oidcClients.find((c) => c.clientId === "downstream")!;
      const rotated = "rotated-downstream-client-secret";
      await up.t.services.directory.updateOidcClient(client.id, client.version, { secretEnc: sealClientSecret(up.t.services.box, "downstream", rotated) }, "test");
      const stale = new Browser(down.request);
      const refused = await stale.get(await toCallback(stale, "bob"));
      assert.notEqual(refused.status, 303, "the old secret no longer works at the upstream");
      assert.equal(stale.session, undefined);

      const idp = await down.t.services.upstream.idps.get(SLUG);
      await down.t.services.upstream.idps.update(SLUG, idp.version, { clientSecret: rotated }, "test");
      const before = await counts();
      const b = new Browser(down.request);
      const res = await b.get(await toCallback(b, "bob"));
      assert.equal(res.status, 303, res.text.slice(0, 400));
      assert.equal(await signedInAs(b), "bob");
      assert.deepEqual(await counts(), { ...before, sessions: before.sessions + 1 }, "the same user and link");
    });
  });
}

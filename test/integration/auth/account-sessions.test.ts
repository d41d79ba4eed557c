// /account/sessions: a user sees the browsers signed in as them, ends one, cannot end anyone
// else's, and "sign out everywhere" ends every session and revokes every OIDC grant, so a refresh
// token from the code flow then gets invalid_grant and its access token invalid_token.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oidc from "openid-client";
import { testBackends } from "../../helpers/db.ts";
import { Browser, csrfFrom, login } from "../../helpers/browser.ts";
import { codeFlow, startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";
import { CHROME_WINDOWS, FIREFOX_LINUX, auditActions, newUser, sessionHandles, sessionRowId } from "./support.ts";

for (const backend of testBackends()) {
  describe(`account sessions (${backend})`, () => {
    let app: OidcTestApp;
    before(async () => {
      app = await startOidcApp(backend);
    });
    after(() => app.close());

    const prisma = () => app.t.services.db.prisma;
    const signIn = (username: string, userAgent: string) => login(app.request, username, undefined, { headers: { "User-Agent": userAgent } });
    const signedIn = async (b: Browser) => (await b.get("/")).status === 200;
    const grants = (accountId: string) => prisma().oidcArtifact.count({ where: { model: "Grant", accountId } });
    const refresh = (rt: string) => app.request.post("/token").type("form").send({ grant_type: "refresh_token", refresh_token: rt, client_id: "mobile-app" });

    test("the page lists each browser signed in as the user, marks this one, and signs out another", async () => {
      await newUser(app.t, "carol");
      const laptop = await signIn("carol", FIREFOX_LINUX);
      const desktop = await signIn("carol", CHROME_WINDOWS);
      assert.match((await laptop.get("/")).text, /href="\/account\/sessions"/, "linked from every page");

      const page = await laptop.get("/account/sessions");
      assert.equal(page.status, 200);
      assert.match(page.headers["cache-control"] ?? "", /no-store/);
      assert.match(page.text, /<tr aria-current="true">\s*<td>Firefox 128 on Linux <strong class="small">this session<\/strong>/);
      assert.match(page.text, /<td>Chrome 126 on Windows<\/td>/);
      const handles = sessionHandles(page.text);
      assert.equal(handles.length, 1, "a Sign out form for the other session only");
      for (const b of [laptop, desktop]) {
        assert.ok(!page.text.includes(b.session!), "no cookie value in the page");
        assert.ok(!page.text.includes(sessionRowId(b).slice(0, 12)), "no part of a session's row key in the page");
      }

      const res = await laptop.post("/account/sessions/end", { _csrf: csrfFrom(page.text), session: handles[0]! });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/account/sessions?done=ended");
      assert.equal(await signedIn(desktop), false, "the other browser is signed out");
      assert.equal(await signedIn(laptop), true, "this one is not");
      const after = await laptop.get(res.headers.location);
      assert.match(after.text, /That session is signed out\./);
      assert.doesNotMatch(after.text, /Chrome 126/);
      const ev = (await auditActions(app.t, "account.session.end"))[0];
      assert.equal(ev?.actor, "carol");
      assert.equal(ev?.outcome, "success");
    });

    test("a user cannot end someone else's session: 404, nothing changes", async () => {
      await newUser(app.t, "dave");
      await newUser(app.t, "erin");
      const erin1 = await signIn("erin", FIREFOX_LINUX);
      const erin2 = await signIn("erin", CHROME_WINDOWS);
      const [erin2Handle] = sessionHandles((await erin1.get("/account/sessions")).text);
      assert.ok(erin2Handle);
      const dave = await signIn("dave", FIREFOX_LINUX);
      const davePage = await dave.get("/account/sessions");
      const rows = await prisma().webSession.count();

      for (const session of [erin2Handle, "A".repeat(22), "not a handle", ""]) {
        const res = await dave.post("/account/sessions/end", { _csrf: csrfFrom(davePage.text), session });
        assert.equal(res.status, 404, session);
        assert.match(res.headers["content-type"] ?? "", /text\/html/);
        assert.match(res.text, /That session is not one of yours, or it has already ended\./);
      }
      assert.equal(await prisma().webSession.count(), rows, "no session row deleted");
      assert.equal(await signedIn(erin2), true);
      assert.equal(await signedIn(dave), true);
      const failures = (await auditActions(app.t, "account.session.end")).filter((e) => e.actor === "dave");
      assert.equal(failures.length, 4);
      assert.ok(failures.every((e) => e.outcome === "failure"));

      // erin's own handle without the CSRF token, and without a session at all: refused too
      assert.equal((await erin1.post("/account/sessions/end", { session: erin2Handle })).status, 403);
      assert.equal((await new Browser(app.request).post("/account/sessions/end", { session: erin2Handle })).status, 401);
      assert.equal((await new Browser(app.request).post("/account/sessions/end-all", {})).status, 401);
      assert.equal((await erin1.post("/account/sessions/end-all", {})).status, 403);
      assert.equal(await signedIn(erin1), true);
      assert.equal(await signedIn(erin2), true);
    });

    test("sign out everywhere ends every session and revokes the user's grants: refresh gets invalid_grant", async () => {
      const frank = await newUser(app.t, "frank");
      await newUser(app.t, "gina");
      const bystander = await signIn("gina", FIREFOX_LINUX);
      const phone = await signIn("frank", CHROME_WINDOWS);
      const { config, tokens } = await codeFlow(app, { browser: phone, username: "frank", scope: "openid profile" });
      const live = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      assert.ok(live.refresh_token, "the refresh token works before");
      assert.equal((await app.request.get("/me").set("Authorization", `Bearer ${live.access_token}`)).status, 200);
      const laptop = await signIn("frank", FIREFOX_LINUX);
      assert.equal(await grants(frank.id), 1);

      const page = await laptop.get("/account/sessions");
      assert.match(page.text, /action="\/account\/sessions\/end-all"/);
      const res = await laptop.post("/account/sessions/end-all", { _csrf: csrfFrom(page.text) });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/login?signed_out=everywhere");
      assert.equal(laptop.session, undefined, "the cookie is cleared");
      assert.equal(await signedIn(laptop), false);
      assert.equal(await signedIn(phone), false);
      assert.equal(await prisma().webSession.count({ where: { userId: frank.id } }), 0);

      const again = await refresh(live.refresh_token!);
      assert.equal(again.status, 400);
      assert.equal(again.body.error, "invalid_grant");
      const me = await app.request.get("/me").set("Authorization", `Bearer ${live.access_token}`);
      assert.equal(me.status, 401);
      assert.equal(me.body.error, "invalid_token");
      assert.equal(await grants(frank.id), 0);

      assert.equal(await signedIn(bystander), true, "other users keep their sessions");
      assert.match((await laptop.get(res.headers.location)).text, /You have signed out everywhere/);
      const ev = (await auditActions(app.t, "account.sessions.end_all"))[0];
      assert.equal(ev?.actor, "frank");
      assert.equal(ev?.target, `user:${frank.id}`);
      assert.deepEqual(ev?.details, { username: "frank", sessions: 2, grants: 1 });
    });

    test("sign out everywhere is all or nothing: when its audit event cannot be written, every session and grant stays", async () => {
      const ivy = await newUser(app.t, "ivy");
      const phone = await signIn("ivy", CHROME_WINDOWS);
      const { config, tokens } = await codeFlow(app, { browser: phone, username: "ivy", scope: "openid profile" });
      const laptop = await signIn("ivy", FIREFOX_LINUX);
      // the audit write fails (a database-side fault), after the grants and sessions were deleted
      await prisma().$executeRawUnsafe(`CREATE FUNCTION refuse_end_all() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.action = 'account.sessions.end_all' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$`);
      await prisma().$executeRawUnsafe("CREATE TRIGGER refuse_end_all BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_end_all()");
      try {
        const page = await laptop.get("/account/sessions");
        const res = await laptop.post("/account/sessions/end-all", { _csrf: csrfFrom(page.text) });
        assert.equal(res.status, 500);
        assert.doesNotMatch(res.text, /audit refused|at .*\.ts:/, "no internals on the error page");
      } finally {
        await prisma().$executeRawUnsafe("DROP TRIGGER refuse_end_all ON audit_events");
        await prisma().$executeRawUnsafe("DROP FUNCTION refuse_end_all()");
      }
      assert.equal(await prisma().webSession.count({ where: { userId: ivy.id } }), 2);
      assert.equal(await grants(ivy.id), 1);
      assert.ok((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).refresh_token, "the app still refreshes");
      assert.equal(await signedIn(laptop), true);
    });

    if (backend === "postgres") {
      test("a session ended on one instance is refused by another at once", async () => {
        await newUser(app.t, "hank");
        const laptop = await signIn("hank", FIREFOX_LINUX);
        const desktop = await signIn("hank", CHROME_WINDOWS);
        const other = await app.t.startAnother();
        try {
          const elsewhere = desktop.on(other.request);
          assert.equal(await signedIn(elsewhere), true);
          const page = await laptop.get("/account/sessions");
          await laptop.post("/account/sessions/end", { _csrf: csrfFrom(page.text), session: sessionHandles(page.text)[0]! });
          assert.equal(await signedIn(elsewhere), false);
        } finally {
          await other.close();
        }
      });
    }
  });
}

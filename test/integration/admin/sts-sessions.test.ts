// Admin STS sessions (page and API): sessions minted by real AssumeRoleWithWebIdentity calls are
// listed with filters and paging (never a secret or token); revoking one makes its credentials
// fail at once through the AWS SDK while another session works; "revoke older sessions" for a
// role denies that role's earlier sessions only; auditors, missing CSRF, missing scopes and bad
// input are refused; every revocation is audited once with the acting admin or client.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { adminToken } from "../../helpers/admin-tokens.ts";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { Browser, csrfFrom, login } from "../../helpers/browser.ts";
import { testBackends } from "../../helpers/db.ts";
import { ACCOUNT, ENGINEER, READONLY, listen, mintIdToken, webIdentityCall, type Listening } from "../../helpers/sts.ts";

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken: string };
const HOP = `arn:aws:iam::${ACCOUNT}:role/Hop`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sdkError(p: Promise<unknown>): Promise<STSServiceException> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof STSServiceException, String(err));
    return err;
  }
  assert.fail("the call succeeded");
}

for (const backend of testBackends()) {
  describe(`admin STS sessions (${backend})`, () => {
    let t: TestApp;
    let srv: Listening;
    let admin: Browser;
    let token: string;
    let readToken: string;
    const clients: STSClient[] = [];
    before(async () => {
      t = await startTestApp(backend);
      srv = await listen(t.app);
      admin = await login(t.request, "admin");
      token = await adminToken(t.services);
      readToken = await adminToken(t.services, { scope: "admin:read" });
      // a role any principal of the account may assume (transitive tags and the source identity carry over): AssumeRole is how a revoked-by-role session shows
      await t.services.directory.createRole({
        arn: HOP, samlProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/idp-gateway`, maxSessionDuration: 3600,
        trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] }] } as never,
      }, "test");
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await srv.close();
      await t.close();
    });

    /** A real AssumeRoleWithWebIdentity call for alice into the role, with this session name. */
    const assume = async (sessionName: string, roleArn = ENGINEER): Promise<Creds> => {
      const r = await webIdentityCall(t.request, await mintIdToken(t.services), roleArn, { RoleSessionName: sessionName });
      assert.equal(r.status, 200, r.text);
      return { accessKeyId: r.field("AccessKeyId")!, secretAccessKey: r.field("SecretAccessKey")!, sessionToken: r.field("SessionToken")! };
    };
    const sts = (credentials: Creds) => {
      const c = new STSClient({ region: "us-east-1", endpoint: srv.endpoint, credentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    const whoami = (c: Creds) => sts(c).send(new GetCallerIdentityCommand({}));
    const hop = (c: Creds) => sts(c).send(new AssumeRoleCommand({ RoleArn: HOP, RoleSessionName: "hop" }));
    const audits = (action: string) => t.services.audit.query({ action, limit: 100 });
    const api = (method: "get" | "post", path: string, tok: string | null = token) => {
      const r = t.request[method](`/api/admin${path}`);
      return tok ? r.set("Authorization", `Bearer ${tok}`) : r;
    };
    const isProblem = (res: { status: number; headers: Record<string, string>; body: any }, status: number) => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.headers["content-type"] ?? "", /^application\/problem\+json/);
      assert.equal(res.body.status, status);
    };

    test("the page lists a session from a real STS call, filters work, no secrets are shown", async () => {
      const one = await assume("Page-One");
      const res = await admin.get("/admin/sts-sessions");
      assert.equal(res.status, 200);
      assert.match(res.text, /aria-current="page">STS sessions</, "the nav link is there and current");
      assert.match(res.text, new RegExp(`<code>${one.accessKeyId}</code>`));
      assert.match(res.text, /assumed-role\/Engineer\/Page-One/);
      assert.match(res.text, /Department=engineering/, "session tags are shown");
      assert.ok(!res.text.includes(one.secretAccessKey), "no secret");
      assert.ok(!res.text.includes(one.sessionToken.slice(0, 40)), "no session token");

      const has = async (query: string) => (await admin.get(`/admin/sts-sessions?${query}`)).text.includes(one.accessKeyId);
      assert.equal(await has(`roleArn=${encodeURIComponent(ENGINEER)}`), true);
      assert.equal(await has(`roleArn=${encodeURIComponent(READONLY)}`), false);
      assert.equal(await has("q=page-one"), true, "session name, case-insensitive");
      assert.equal(await has("q=assumed-role%2FEngineer"), true, "caller ARN substring");
      assert.equal(await has("q=nothing-like-it"), false);
      assert.equal(await has("kind=role"), true);
      assert.equal(await has("kind=federated"), false);

      const bad = await admin.get("/admin/sts-sessions?roleArn=arn:aws:iam::12:role/x&kind=robot");
      assert.equal(bad.status, 400);
      assert.match(bad.text, /id="f-roleArn-filter-error"/);
      assert.match(bad.text, /id="f-kind-error"/);
    });

    test("paging", async () => {
      for (let i = 0; i < 26; i++) await assume(`pager-${String(i).padStart(2, "0")}`);
      const first = await admin.get("/admin/sts-sessions?q=pager-");
      assert.match(first.text, /26 sessions still working/);
      assert.match(first.text, /Page 1 of 2/);
      assert.match(first.text, /pager-25/, "newest first");
      assert.doesNotMatch(first.text, /pager-00</);
      const next = /<a href="([^"]+)">Next →<\/a>/.exec(first.text)![1]!.replace(/&amp;/g, "&");
      const second = await admin.get(next);
      assert.match(second.text, /Page 2 of 2/);
      assert.match(second.text, /pager-00</);
      const viaApi = await api("get", "/sts-sessions?q=pager-&offset=25&limit=10");
      assert.equal(viaApi.status, 200);
      assert.equal(viaApi.body.total, 26);
      assert.deepEqual(viaApi.body.sessions.map((x: { sessionName: string }) => x.sessionName), ["pager-00"]);
    });

    test("revoking one session: its credentials fail at once, another session still works, audited once", async () => {
      const keep = await assume("keep");
      const drop = await assume("drop");
      assert.equal((await whoami(drop)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/drop`);
      const before = (await audits("sts.revoke.session")).length;

      const res = await admin.submit("/admin/sts-sessions?q=drop", `/admin/sts-sessions/${drop.accessKeyId}/revoke`, { back: "/admin/sts-sessions?q=drop" });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/admin/sts-sessions?q=drop&notice=revokedSession");
      const err = await sdkError(whoami(drop));
      assert.equal(err.name, "InvalidClientTokenId");
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.equal((await whoami(keep)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/keep`);

      const events = await audits("sts.revoke.session");
      assert.equal(events.length, before + 1);
      assert.equal(events[0]?.actor, "admin");
      assert.equal(events[0]?.target, drop.accessKeyId);
      assert.equal(events[0]?.outcome, "success");

      const page = await admin.get(res.headers.location!);
      assert.match(page.text, /its credentials stop working now/);
      assert.ok(!page.text.includes(drop.accessKeyId), "no longer among the working sessions");
      const all = await admin.get("/admin/sts-sessions?q=drop&all=1");
      assert.match(all.text, new RegExp(`<code>${drop.accessKeyId}</code>[\\s\\S]*?class="deny">revoked`));

      // revoking again changes nothing and is not a second event; a foreign back URL is not followed
      const again = await admin.submit("/admin/sts-sessions", `/admin/sts-sessions/${drop.accessKeyId}/revoke`, { back: "https://evil.example.com/" });
      assert.equal(again.status, 303);
      assert.equal(again.headers.location, "/admin/sts-sessions?notice=revokedSession");
      assert.equal((await audits("sts.revoke.session")).length, before + 1);
    });

    test("revoking an unknown access key id: 404 with a clear message", async () => {
      const res = await admin.submit("/admin/sts-sessions", "/admin/sts-sessions/ASIAUNKNOWNUNKNOWN00/revoke", {});
      assert.equal(res.status, 404);
      assert.match(res.text, /No STS session has the access key id &quot;ASIAUNKNOWNUNKNOWN00&quot;/);
    });

    test("revoke older sessions for a role: earlier sessions are denied, later ones and other roles work", async () => {
      const older = await assume("older");
      const other = await assume("other-role", READONLY);
      assert.ok((await hop(older)).Credentials, "works before the revocation");
      await sleep(5);
      const res = await admin.submit("/admin/sts-sessions", "/admin/sts-sessions/revoke-older", { roleArn: ` ${ENGINEER} ` });
      assert.equal(res.status, 303);
      assert.match(res.headers.location!, /^\/admin\/sts-sessions\?roleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FEngineer&.*notice=revokedOlder$/);
      await sleep(5);
      const newer = await assume("newer");

      const denied = await sdkError(hop(older));
      assert.equal(denied.name, "AccessDenied");
      assert.match(denied.message, /explicit deny/);
      assert.ok((await hop(newer)).Credentials, "a session issued afterwards works");
      assert.ok((await hop(other)).Credentials, "another role's session works");

      const [ev] = await audits("sts.revoke.older-sessions");
      assert.equal(ev?.actor, "admin");
      assert.equal(ev?.target, ENGINEER);
      const row = await t.services.db.prisma.stsRoleRevocation.findUnique({ where: { roleArn: ENGINEER } });
      assert.equal((ev?.details as { before: string }).before, row!.revokedBefore.toISOString());

      const page = await admin.get(res.headers.location!);
      assert.match(page.text, new RegExp(`<table id="role-revocations">[\\s\\S]*${ENGINEER.replace(/\//g, "\\/")}</td><td>${row!.revokedBefore.toISOString()}`), "the role's revocation instant");
      assert.ok(page.text.includes(newer.accessKeyId));
      assert.ok(!page.text.includes(older.accessKeyId), "a revoked-by-role session is not working any more");
      const all = await admin.get(`/admin/sts-sessions?q=older&all=1`);
      assert.match(all.text, /revoked \(role\)/);
    });

    test("revoke older sessions: an invalid role ARN is refused next to the field, nothing is written", async () => {
      const before = await t.services.db.prisma.stsRoleRevocation.count();
      for (const roleArn of ["", "arn:aws:iam::111122223333:user/bob", "not an arn"]) {
        const res = await admin.submit("/admin/sts-sessions", "/admin/sts-sessions/revoke-older", { roleArn });
        assert.equal(res.status, 400, roleArn);
        assert.match(res.text, /id="f-roleArn-error"/, roleArn);
        assert.match(res.text, /aria-invalid="true" aria-describedby="f-roleArn-error"/);
      }
      assert.equal(await t.services.db.prisma.stsRoleRevocation.count(), before);
    });

    test("an auditor sees the page without forms and cannot revoke; no CSRF token, no revocation", async () => {
      const victim = await assume("victim");
      const auditors = await t.services.directory.createGroup({ name: "auditors" }, "test");
      const bobUser = (await t.services.directory.findUserByUsername("bob"))!;
      await t.services.directory.setUserGroups(bobUser.id, bobUser.version, [...bobUser.groupIds, auditors.id], "test");
      const bob = await login(t.request, "bob");
      const page = await bob.get("/admin/sts-sessions");
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(victim.accessKeyId));
      assert.doesNotMatch(page.text, /action="\/admin\/sts-sessions\/[^"]*revoke/, "no revoke forms for auditors");
      for (const [path, form] of [[`/admin/sts-sessions/${victim.accessKeyId}/revoke`, {}], ["/admin/sts-sessions/revoke-older", { roleArn: ENGINEER }]] as const) {
        const res = await bob.post(path, { _csrf: csrfFrom(page.text), ...form });
        assert.equal(res.status, 403, path);
        assert.match(res.text, /Auditors can look but not change anything/);
      }
      const [ev] = await audits("admin.write");
      assert.equal(ev?.actor, "bob");
      assert.equal(ev?.outcome, "denied");

      for (const [path, form] of [[`/admin/sts-sessions/${victim.accessKeyId}/revoke`, {}], ["/admin/sts-sessions/revoke-older", { roleArn: READONLY }]] as const) {
        const res = await admin.post(path, { _csrf: "wrong", ...form });
        assert.equal(res.status, 403, path);
        assert.match(res.text, /did not come from this site/);
      }
      assert.equal((await whoami(victim)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/victim`, "still working");
      assert.equal(await t.services.db.prisma.stsRoleRevocation.findUnique({ where: { roleArn: READONLY } }), null);
    });

    test("API: list, get, revoke one, revoke older — audited with the client, secrets never returned", async () => {
      const a = await assume("api-a");
      const b = await assume("api-b");
      let res = await api("get", `/sts-sessions?q=api-&roleArn=${encodeURIComponent(ENGINEER)}&kind=role`, readToken);
      assert.equal(res.status, 200);
      assert.equal(res.body.total, 2);
      assert.deepEqual(res.body.sessions.map((x: { accessKeyId: string }) => x.accessKeyId).sort(), [a.accessKeyId, b.accessKeyId].sort());
      const s0 = res.body.sessions[0];
      for (const k of ["secretEnc", "tokenHash", "secretAccessKey", "sessionToken"]) assert.equal(k in s0, false, k);
      assert.ok(!JSON.stringify(res.body).includes(a.secretAccessKey));
      assert.equal(s0.status, "active");
      assert.equal(s0.roleArn, ENGINEER);

      res = await api("get", `/sts-sessions/${a.accessKeyId}`, readToken);
      assert.equal(res.status, 200);
      assert.equal(res.body.sessionName, "api-a");
      assert.equal(res.body.tags.Department, "engineering");
      isProblem(await api("get", "/sts-sessions/ASIANOSUCHSESSION000"), 404);

      res = await api("post", `/sts-sessions/${a.accessKeyId}/revoke`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, "revoked");
      assert.ok(res.body.revokedAt);
      assert.equal((await sdkError(whoami(a))).name, "InvalidClientTokenId");
      assert.equal((await whoami(b)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/api-b`);
      const [ev] = await audits("sts.revoke.session");
      assert.equal(ev?.actor, "client:admin-automation");
      assert.equal(ev?.target, a.accessKeyId);
      const unknown = await api("post", "/sts-sessions/ASIANOSUCHSESSION000/revoke");
      isProblem(unknown, 404);
      assert.match(unknown.body.detail, /No STS session has the access key id/);

      await sleep(5);
      res = await api("post", "/sts-role-revocations").send({ roleArn: ENGINEER });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.roleArn, ENGINEER);
      const instant = res.body.revokedBefore as string;
      assert.equal((await sdkError(hop(b))).name, "AccessDenied");
      res = await api("get", `/sts-role-revocations?roleArn=${encodeURIComponent(ENGINEER)}`, readToken);
      assert.deepEqual(res.body.revocations, [{ roleArn: ENGINEER, revokedBefore: instant }]);
      res = await api("get", `/sts-sessions/${b.accessKeyId}`, readToken);
      assert.equal(res.body.status, "revoked-by-role");
      res = await api("get", `/sts-sessions?q=api-b`, readToken);
      assert.equal(res.body.total, 0, "not among the working sessions");
      res = await api("get", `/sts-sessions?q=api-&all=true`, readToken);
      assert.deepEqual(res.body.sessions.map((x: { status: string }) => x.status).sort(), ["revoked", "revoked-by-role"]);
      const [ev2] = await audits("sts.revoke.older-sessions");
      assert.equal(ev2?.actor, "client:admin-automation");
      assert.equal((ev2?.details as { before: string }).before, instant);
    });

    test("API: bad input and scope failures", async () => {
      const c = await assume("api-scope");
      let res = await api("post", "/sts-role-revocations").send({ roleArn: "arn:aws:iam::111122223333:group/x" });
      isProblem(res, 400);
      assert.equal(typeof res.body.errors.roleArn, "string");
      isProblem(await api("post", "/sts-role-revocations").send({}), 400);
      isProblem(await api("post", "/sts-role-revocations").type("form").send("roleArn=x"), 400);
      res = await api("get", "/sts-sessions?kind=robot&roleArn=nope");
      isProblem(res, 400);
      assert.deepEqual(Object.keys(res.body.errors).sort(), ["kind", "roleArn"]);
      isProblem(await api("get", "/sts-role-revocations?roleArn=nope"), 400);

      // read-only scope: reads yes, revocations no
      for (const [path, body] of [[`/sts-sessions/${c.accessKeyId}/revoke`, undefined], ["/sts-role-revocations", { roleArn: READONLY }]] as const) {
        const r = api("post", path, readToken);
        res = body ? await r.send(body) : await r;
        isProblem(res, 403);
        assert.match(res.headers["www-authenticate"] ?? "", /insufficient_scope/);
      }
      const noScope = await adminToken(t.services, { scope: "openid" });
      isProblem(await api("get", "/sts-sessions", noScope), 403);
      isProblem(await api("get", "/sts-role-revocations", null), 401);
      isProblem(await api("post", `/sts-sessions/${c.accessKeyId}/revoke`, null), 401);
      assert.equal((await whoami(c)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/api-scope`, "still working");
      assert.equal(await t.services.db.prisma.stsRoleRevocation.findUnique({ where: { roleArn: READONLY } }), null);
    });
  });
}

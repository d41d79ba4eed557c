// "Login timing does not reveal whether a username exists": not asserted as a time (that would be
// flaky and dishonest), but as the property that makes it true — every failed attempt, whatever
// its reason, costs exactly one argon2id verification, like a wrong password for a real user.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { testBackends } from "../../helpers/db.ts";
import { Browser, DEMO_PASSWORD } from "../../helpers/browser.ts";
import { ipSource } from "./support.ts";

for (const backend of testBackends()) {
  describe(`equal work per login attempt (${backend})`, () => {
    let t: TestApp;
    let verifications = 0;
    const ip = ipSource("203.0.113");
    before(async () => {
      t = await startTestApp(backend, { env: { IDP_TRUST_PROXY: "true" } });
      const passwords = t.services.passwords;
      const realVerify = passwords.verify.bind(passwords);
      // count at the one place argon2 verification happens (verifyDummy goes through it too)
      passwords.verify = async (h: string, p: string) => {
        verifications++;
        return realVerify(h, p);
      };
      await t.services.directory.createUser({ username: "no-password-user" }, "test");
      const carol = await t.services.directory.createUser({ username: "carol", password: "carol-password" }, "test");
      await t.services.directory.setUserDisabled(carol.id, carol.version, true, "test");
    });
    after(() => t.close());

    const cases: Array<[string, string, string]> = [
      ["a wrong password for a real user", "alice", "not-the-password"],
      ["an unknown username", "nobody-at-all", "not-the-password"],
      ["a user without a password", "no-password-user", "whatever-it-is"],
      ["a disabled user with the right password", "carol", "carol-password"],
      ["a username of the maximum length", "x".repeat(256), "not-the-password"],
      ["the right password", "alice", DEMO_PASSWORD],
    ];
    for (const [what, username, password] of cases) {
      test(`${what}: exactly one argon2id verification`, async () => {
        const before = verifications;
        await new Browser(t.request).submit("/login", "/login", { username, password }, ip());
        assert.equal(verifications - before, 1);
      });
    }

    test("a username over the maximum is a form error (400), not an attempt: no verification", async () => {
      const before = verifications;
      const res = await new Browser(t.request).submit("/login", "/login", { username: "x".repeat(5000), password: "p" }, ip());
      assert.equal(res.status, 400);
      assert.match(res.text, /at most 256 characters/);
      assert.equal(verifications - before, 0);
    });
  });
}

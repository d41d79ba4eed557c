// `idp sts …` end to end: real processes on the embedded database; the printed access key then
// verifies through the STS credential store with the same master key.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../../src/config.ts";
import { databaseTarget } from "../../../src/db/connect.ts";
import { openDatabase } from "../../../src/db/index.ts";
import { createLogger } from "../../../src/http/index.ts";
import { createServices } from "../../../src/services.ts";
import { cliDatabase, type CliDatabase } from "./cli-database.ts";
import { lines, runIdp } from "./run-idp.ts";

describe("idp sts (embedded)", () => {
  let env: Record<string, string>;
  let cli: CliDatabase;
  before(async () => {
    cli = await cliDatabase("pglite", { NODE_ENV: "test", IDP_BASE_URL: "http://127.0.0.1:4000" }, "idp-sts-cli-", { migrated: true });
    env = cli.env;
  });
  after(() => cli.drop());

  it("creates a user, an access key and an MFA device; the key works for SigV4 lookups", async () => {
    const user = await runIdp(["sts", "user", "create", "ci-user"], env);
    assert.equal(user.code, 0, user.stderr);
    assert.match(user.stdout, /^arn:aws:iam::111122223333:user\/ci-user {2}AIDA[A-Z2-7]{17}$/m);
    const key = await runIdp(["sts", "access-key", "create", "ci-user"], env);
    assert.equal(key.code, 0, key.stderr);
    const [idLine, secretLine] = lines(key.stdout);
    const accessKeyId = /AKIA[A-Z2-7]{16}/.exec(idLine!)?.[0];
    const secret = secretLine!.split(/\s+/)[1];
    assert.ok(accessKeyId && secret?.length === 40);
    const mfa = await runIdp(["sts", "mfa", "create", "ci-user", "phone"], env);
    assert.equal(mfa.code, 0, mfa.stderr);
    assert.match(mfa.stdout, /SerialNumber {2}arn:aws:iam::111122223333:mfa\/phone/);
    assert.equal((await runIdp(["sts", "user", "create", "ci-user"], env)).code, 1, "duplicate user");
    assert.equal((await runIdp(["sts", "revoke", "session", "ASIAAAAAAAAAAAAAAAAA"], env)).code, 1);
    assert.equal((await runIdp(["sts", "bogus"], env)).code, 64);

    const config = loadConfig(env);
    const db = await openDatabase(databaseTarget(config));
    const services = await createServices(config, db, createLogger("silent"), { defaultMetrics: false });
    try {
      const cred = await services.sts.store.lookup(accessKeyId);
      assert.equal(cred?.secretAccessKey, secret);
      assert.equal(cred?.principal.arn, "arn:aws:iam::111122223333:user/ci-user");
      const row = await db.prisma.iamAccessKey.findUnique({ where: { accessKeyId } });
      assert.ok(row && !row.secretEnc.includes(secret!), "stored encrypted");
    } finally {
      await services.close();
      await db.close();
    }
  });
});

// The `idp` command end to end, as an operator runs it: real processes, the server's environment,
// on the embedded database and (with TEST_DATABASE_URL) on a PostgreSQL server.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { verify } from "@node-rs/argon2";
import { openDatabase, readMigrations, type Database, type DatabaseTarget } from "../../../src/db/index.ts";
import { testBackends } from "../../helpers/db.ts";
import { cliDatabase, type CliDatabase } from "./cli-database.ts";
import { lines, runIdp } from "./run-idp.ts";

const PASSWORD = "correct horse battery staple";

for (const backend of testBackends()) {
  describe(`idp CLI (${backend})`, () => {
    let env: Record<string, string>;
    let target: DatabaseTarget;
    let dataDir: string;
    /** open the CLI's database from the test (between commands, never during one) */
    const inspect = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
      const db = await openDatabase(target);
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };

    let cli: CliDatabase;
    before(async () => {
      cli = await cliDatabase(backend, { NODE_ENV: "test", IDP_BASE_URL: "http://127.0.0.1:4000" });
      ({ env, target, dataDir } = cli);
    });
    after(() => cli.drop());

    it("idp migrate status on a fresh database: everything pending, exit 1", async () => {
      const r = await runIdp(["migrate", "status"], env);
      assert.equal(r.code, 1, r.stderr);
      for (const m of await readMigrations()) assert.match(r.stdout, new RegExp(`^pending  ${m.name}$`, "m"));
    });

    it("idp migrate applies them and prints what it applied; again: nothing to do", async () => {
      const r = await runIdp(["migrate"], env);
      assert.equal(r.code, 0, r.stderr);
      for (const m of await readMigrations()) assert.match(r.stdout, new RegExp(`^applied  ${m.name}$`, "m"));
      const again = await runIdp(["migrate"], env);
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stdout, /^applied /m);
      assert.match(again.stdout, /up to date/);
      const status = await runIdp(["migrate", "status"], env);
      assert.equal(status.code, 0, status.stderr);
    });

    it("idp users create, then set-password from a pipe (never argv)", async () => {
      const created = await runIdp(["users", "create", "dana", "--email", "dana@example.com", "--name", "Dana Example"], env);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /created user dana/);

      const set = await runIdp(["users", "set-password", "dana"], env, { stdin: `${PASSWORD}\nthe second line is ignored\n` });
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, /password set for dana/);
      assert.ok(!set.stdout.includes(PASSWORD) && !set.stderr.includes(PASSWORD), "the password is never printed");

      await inspect(async (db) => {
        const user = await db.prisma.user.findUniqueOrThrow({ where: { username: "dana" } });
        assert.equal(user.email, "dana@example.com");
        assert.equal(user.displayName, "Dana Example");
        assert.match(user.passwordHash ?? "", /^\$argon2id\$/);
        assert.ok(await verify(user.passwordHash!, PASSWORD), "the piped line is the password (no newline)");
        const events = await db.prisma.auditEvent.findMany({ where: { actor: "cli" }, orderBy: { id: "asc" } });
        assert.deepEqual(events.map((e) => e.action), ["directory.user.create", "directory.user.password"]);
        assert.ok(!JSON.stringify(events, (_k, v) => (typeof v === "bigint" ? String(v) : v)).includes(PASSWORD));
      });
    });

    it("set-password refuses --password and an empty pipe", async () => {
      const argv = await runIdp(["users", "set-password", "dana", "--password", "hunter2-hunter2"], env);
      assert.equal(argv.code, 64);
      assert.match(argv.stderr, /--password is not accepted on the command line/);
      const empty = await runIdp(["users", "set-password", "dana"], env, { stdin: "" });
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /^idp: no password given on standard input$/m);
    });

    it("idp users create refuses a duplicate with one line", async () => {
      const r = await runIdp(["users", "create", "DANA"], env);
      assert.equal(r.code, 1);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /^idp: .*already in use/);
    });

    it("idp keys rotate, then idp keys list shows next → active → retired", async () => {
      const before = await runIdp(["keys", "list"], env);
      assert.equal(before.code, 0, before.stderr);
      const states = (out: string) => Object.fromEntries(lines(out).slice(1).map((l) => [l.split(/\s+/)[1], l.split(/\s+/)[0]]));
      const initial = states(before.stdout);
      assert.ok(initial.active && initial.next, before.stdout);

      const rotated = await runIdp(["keys", "rotate"], env);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, new RegExp(`^active +${initial.next}$`, "m"), "the next key became active");
      assert.match(rotated.stdout, new RegExp(`^retired +${initial.active}$`, "m"));

      const afterList = await runIdp(["keys", "list"], env);
      assert.equal(afterList.code, 0, afterList.stderr);
      const rows = lines(afterList.stdout);
      assert.match(rows[0]!, /^KID +STATE +ALG/);
      assert.equal(rows.length, 4, afterList.stdout);
      const now = states(afterList.stdout);
      assert.equal(now.active, initial.next);
      assert.equal(now.retired, initial.active);
      assert.ok(now.next && now.next !== initial.next && now.next !== initial.active);
      await inspect(async (db) => {
        const e = await db.prisma.auditEvent.findFirst({ where: { action: "keys.rotate" } });
        assert.equal(e?.actor, "cli");
      });
    });

    it("idp keys export writes public certificates only", async () => {
      const out = path.join(dataDir, "exported");
      const r = await runIdp(["keys", "export", out], env);
      assert.equal(r.code, 0, r.stderr);
      const files = await readdir(out);
      assert.equal(files.length, 3, "next, active and the recently retired key");
      for (const f of files) {
        assert.match(f, /^idp-signing-[A-Za-z0-9_-]+\.pem$/);
        const pem = await readFile(path.join(out, f), "utf8");
        assert.match(pem, /^-----BEGIN CERTIFICATE-----\n/);
        assert.doesNotMatch(pem, /PRIVATE KEY/);
      }
    });

    if (backend === "pglite") {
      it("refuses the embedded database while another process (a running server) has it open", async () => {
        const held = await openDatabase(target);
        try {
          const r = await runIdp(["keys", "list"], env);
          assert.equal(r.code, 1);
          assert.deepEqual(lines(r.stderr), [`idp: the embedded database at ${path.join(dataDir, "pglite")} is in use by process ${process.pid}; stop that process first (several processes need DATABASE_URL)`]);
        } finally {
          await held.close();
        }
      });
    }

    it("idp users disable; an unknown user is one clear line", async () => {
      const r = await runIdp(["users", "disable", "dana"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /disabled user dana; 0 session\(s\) ended, 0 app grant\(s\) revoked/);
      await inspect(async (db) => assert.equal((await db.prisma.user.findUniqueOrThrow({ where: { username: "dana" } })).disabled, true));
      const missing = await runIdp(["users", "disable", "nobody"], env);
      assert.equal(missing.code, 1);
      assert.deepEqual(lines(missing.stderr), ["idp: no such user: nobody"]);
    });
  });
}

describe("idp CLI errors (no database needed)", () => {
  const base = { NODE_ENV: "test", IDP_DATA_DIR: path.join(os.tmpdir(), "idp-cli-unused") };

  it("idp help prints the commands; no command is a usage error", async () => {
    const help = await runIdp(["help"], base);
    assert.equal(help.code, 0);
    for (const c of ["migrate", "migrate status", "seed", "keys list", "keys rotate", "keys export", "users create", "users disable", "users set-password"]) {
      assert.ok(help.stdout.includes(`idp ${c}`), c);
    }
    const none = await runIdp([], base);
    assert.equal(none.code, 64);
  });

  it("unknown commands and options: exit 64 with a hint", async () => {
    const r = await runIdp(["frobnicate"], base);
    assert.equal(r.code, 64);
    assert.deepEqual(lines(r.stderr), ['idp: unknown command "frobnicate"', "run `idp help` for usage"]);
    const opt = await runIdp(["keys", "list", "--verbose"], base);
    assert.equal(opt.code, 64);
    assert.match(opt.stderr, /unknown option --verbose/);
  });

  it("a bad configuration value: exit 78, one line naming the variable", async () => {
    const r = await runIdp(["keys", "list"], { ...base, IDP_LOCKOUT_THRESHOLD: "lots" });
    assert.equal(r.code, 78);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /^idp: configuration error: IDP_LOCKOUT_THRESHOLD: /);
  });

  it("an unreachable database: exit 69, one line naming it", async () => {
    const r = await runIdp(["migrate"], { ...base, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/idp", IDP_DB_CONNECT_ATTEMPTS: "1" });
    assert.equal(r.code, 69);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /^idp: database unreachable: PostgreSQL at 127\.0\.0\.1:1\/idp/);
  });

  it("idp seed is refused in production, before touching the database", async () => {
    const r = await runIdp(["seed"], {
      NODE_ENV: "production",
      IDP_BASE_URL: "https://idp.example.com",
      IDP_MASTER_KEY: randomBytes(32).toString("base64"),
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/idp",
      IDP_DB_CONNECT_ATTEMPTS: "1",
    });
    assert.equal(r.code, 1);
    assert.deepEqual(lines(r.stderr), ["idp: refusing to seed demo data in production (NODE_ENV=production)"]);
  });
});

describe("idp seed", () => {
  const backend = testBackends().at(-1)!; // one backend is enough here: PostgreSQL when available (faster)
  let env: Record<string, string>;
  let cli: CliDatabase;
  before(async () => {
    cli = await cliDatabase(backend, { NODE_ENV: "development", IDP_BASE_URL: "http://127.0.0.1:4000" }, "idp-cli-seed-");
    env = cli.env;
  });
  after(() => cli.drop());

  it(`refuses a database with pending migrations, then seeds the demo directory once (${backend})`, async () => {
    const early = await runIdp(["seed"], env);
    assert.equal(early.code, 1);
    assert.match(early.stderr, /pending migration\(s\); run `idp migrate` first/);
    assert.equal((await runIdp(["migrate"], env)).code, 0);
    const first = await runIdp(["seed"], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /demo data seeded/);
    const second = await runIdp(["seed"], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /nothing seeded/);
    const disable = await runIdp(["users", "disable", "bob"], env);
    assert.equal(disable.code, 0, `the demo user bob exists: ${disable.stderr}`);
  });
});

// `idp aws`: argument validation, output shapes, the credential cache and failure exits. The
// full device sign-in → AssumeRoleWithWebIdentity path runs against a real gateway in
// test/e2e/cli/aws-login.test.ts.
import assert from "node:assert/strict";
import { mkdtemp, readFile, stat, writeFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../../src/cli/index.ts";
import { CredentialCache, EXPIRY_MARGIN_MS } from "../../../src/cli/aws/cache.ts";
import { sessionNameFrom, type Credentials } from "../../../src/cli/aws/exchange.ts";
import { formatCredentials } from "../../../src/cli/aws/format.ts";
import { freePort } from "../../../bench/lib/gateway.ts";

const creds = (expiresInMs: number): Credentials => ({
  accessKeyId: "ASIAEXAMPLE000000001",
  secretAccessKey: "secret/with+chars=",
  sessionToken: "token",
  expiration: new Date(Date.now() + expiresInMs),
  assumedRoleArn: "arn:aws:sts::111122223333:assumed-role/Engineer/alice",
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("idp aws: arguments", () => {
  it("needs a sub-command", async () => {
    const r = await run(["aws"]);
    assert.equal(r.code, 64);
    assert.match(r.err, /usage: idp aws login\|credential-process/);
  });

  it("refuses an unknown format, a duration outside 900–43200 s and a non-http issuer", async () => {
    assert.match((await run(["aws", "login", "--format", "yaml"])).err, /--format must be one of env, json, ini/);
    for (const d of ["899", "43201", "12.5", "abc"]) {
      const r = await run(["aws", "login", "--duration", d]);
      assert.equal(r.code, 64, d);
      assert.match(r.err, /--duration must be whole seconds between 900 and 43200/);
    }
    assert.match((await run(["aws", "login", "--issuer", "ftp://idp.example"])).err, /--issuer must be an http\(s\) URL/);
  });

  it("refuses plain http to anything but loopback (tokens would cross the network in clear)", async () => {
    const r = await run(["aws", "login", "--issuer", "http://idp.example.com", "--no-cache"]);
    assert.equal(r.code, 64);
    assert.match(r.err, /must use https \(plain http only for localhost\)/);
  });

  it("--no-cache is a flag and takes no value", async () => {
    const r = await run(["aws", "login", "--no-cache=yes"]);
    assert.equal(r.code, 64);
    assert.match(r.err, /--no-cache takes no value/);
  });

  it("an identity provider that does not answer: exit 69, one clear line", async () => {
    const port = await freePort(); // nothing listens there
    const r = await run(["aws", "login", "--issuer", `http://127.0.0.1:${port}`, "--no-cache"]);
    assert.equal(r.code, 69);
    assert.match(r.err, new RegExp(`cannot reach the identity provider at http://127.0.0.1:${port}/`));
    assert.equal(r.err.split("\n").length, 1);
  });
});

describe("idp aws: output formats", () => {
  const c = creds(3600_000);
  it("json is the credential_process contract (Version 1, ISO expiration)", () => {
    const j = JSON.parse(formatCredentials(c, "json"));
    assert.deepEqual(Object.keys(j), ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]);
    assert.equal(j.Version, 1);
    assert.equal(j.Expiration, c.expiration.toISOString());
  });
  it("env is export lines; ini is a credentials-file profile", () => {
    assert.match(formatCredentials(c, "env"), /^export AWS_SECRET_ACCESS_KEY=secret\/with\+chars=$/m);
    const ini = formatCredentials(c, "ini", "dev");
    assert.match(ini, /^\[dev\]$/m);
    assert.match(ini, /^aws_session_token = token$/m);
  });
});

describe("idp aws: role session names", () => {
  it("prefers preferred_username, then email, then sub; keeps only AWS's characters, 2–64 long", () => {
    assert.equal(sessionNameFrom({ preferred_username: "alice", email: "a@x", sub: "1" }), "alice");
    assert.equal(sessionNameFrom({ email: "alice smith@example.com", sub: "1" }), "alice-smith@example.com");
    assert.equal(sessionNameFrom({ sub: "x".repeat(100) }).length, 64);
    assert.equal(sessionNameFrom({ sub: "a" }).length, 2);
    assert.equal(sessionNameFrom({}), "idp-cli");
    assert.match(sessionNameFrom({ preferred_username: "名前/ü" }), /^[\w+=,.@-]{2,64}$/);
  });
});

describe("idp aws: credential cache", () => {
  const key = { issuer: "http://127.0.0.1:4000/", clientId: "idp-cli", roleArn: "arn:aws:iam::111122223333:role/Engineer", endpoint: "http://127.0.0.1:4000/sts" };

  it("keeps credentials until 5 minutes before expiry, in an owner-only file", async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), "idp-cache-")), "nested");
    const cache = new CredentialCache(dir, key);
    assert.deepEqual(await cache.read(), {});
    await cache.write({ credentials: creds(3600_000), refreshToken: "rt" });
    const back = await cache.read();
    assert.equal(back.credentials?.accessKeyId, "ASIAEXAMPLE000000001");
    assert.ok(back.credentials?.expiration instanceof Date);
    assert.equal(back.refreshToken, "rt");
    const [file] = await readdir(dir);
    assert.equal((await stat(path.join(dir, file!))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);

    await cache.write({ credentials: creds(EXPIRY_MARGIN_MS - 1000), refreshToken: "rt2" });
    const stale = await cache.read();
    assert.equal(stale.credentials, undefined, "credentials inside the margin are not reused");
    assert.equal(stale.refreshToken, "rt2", "the refresh token still is");
  });

  it("separates roles, and treats a damaged file as a miss", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "idp-cache-"));
    const a = new CredentialCache(dir, key);
    const b = new CredentialCache(dir, { ...key, roleArn: "arn:aws:iam::111122223333:role/ReadOnly" });
    await a.write({ credentials: creds(3600_000) });
    assert.deepEqual(await b.read(), {});
    const [file] = await readdir(dir);
    await writeFile(path.join(dir, file!), "{not json");
    assert.deepEqual(await a.read(), {});
    assert.equal(await readFile(path.join(dir, file!), "utf8"), "{not json");
  });
});

// The AWS CLI (Debian awscli, installed by .ci/run) against the STS with only --endpoint-url:
// AssumeRoleWithSAML, AssumeRoleWithWebIdentity, then GetCallerIdentity with the returned
// credentials. Config and credential files point at empty temp files; no instance metadata.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test, type TestContext } from "node:test";
import { startTestApp, type TestApp } from "../../helpers/app.ts";
import { ACCOUNT, ENGINEER, SAML_PROVIDER, listen, mintIdToken, mintSamlResponse, type Listening } from "../../helpers/sts.ts";

const run = promisify(execFile);

/** The Debian package's binary first (a pyenv shim named aws may shadow it on PATH). */
function awsBinary(): string | undefined {
  if (existsSync("/usr/bin/aws")) return "/usr/bin/aws";
  return undefined;
}

function requireAws(t: TestContext): string | undefined {
  const bin = awsBinary();
  if (bin) return bin;
  if (process.env.CI) assert.fail("the AWS CLI (/usr/bin/aws, Debian package awscli) is missing: .ci/run installs it");
  t.skip("AWS CLI not installed (apt-get install -y awscli)");
  return undefined;
}

describe("AWS CLI against the STS", () => {
  let app: TestApp;
  let srv: Listening;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    app = await startTestApp("pglite");
    srv = await listen(app.app);
    dir = await mkdtemp(path.join(os.tmpdir(), "idp-awscli-"));
    await writeFile(path.join(dir, "config"), "");
    await writeFile(path.join(dir, "credentials"), "");
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONFIG_FILE: path.join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_PAGER: "",
    };
  });
  after(async () => {
    await srv.close();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const aws = async (bin: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const { stdout } = await run(bin, ["sts", ...args, "--endpoint-url", srv.endpoint, "--output", "json"], { env: { ...env, ...extraEnv }, timeout: 60_000 });
    return JSON.parse(stdout) as Record<string, any>;
  };
  const whoAmI = (bin: string, c: Record<string, string>) =>
    aws(bin, ["get-caller-identity"], { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken });

  test("assume-role-with-saml, then get-caller-identity", async (t) => {
    const bin = requireAws(t);
    if (!bin) return;
    const out = await aws(bin, ["assume-role-with-saml", "--role-arn", ENGINEER, "--principal-arn", SAML_PROVIDER, "--saml-assertion", mintSamlResponse(app.services)]);
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/alice`);
    assert.equal(out.SubjectType, "persistent");
    const me = await whoAmI(bin, out.Credentials);
    assert.equal(me.Arn, out.AssumedRoleUser.Arn);
    assert.equal(me.Account, ACCOUNT);
  });

  test("assume-role-with-web-identity, then get-caller-identity", async (t) => {
    const bin = requireAws(t);
    if (!bin) return;
    const token = await mintIdToken(app.services);
    const out = await aws(bin, ["assume-role-with-web-identity", "--role-arn", ENGINEER, "--role-session-name", "cli-session", "--web-identity-token", token]);
    assert.equal(out.SubjectFromWebIdentityToken, "u-0001-alice");
    assert.equal(out.Audience, "mobile-app");
    const me = await whoAmI(bin, out.Credentials);
    assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Engineer/cli-session`);
  });

  test("an AWS error reaches the CLI with its code", async (t) => {
    const bin = requireAws(t);
    if (!bin) return;
    await assert.rejects(
      run(bin, ["sts", "assume-role-with-web-identity", "--role-arn", ENGINEER, "--role-session-name", "cli", "--web-identity-token", "garbage-token", "--endpoint-url", srv.endpoint], { env, timeout: 60_000 }),
      (err: { stderr?: string }) => /InvalidIdentityToken/.test(err.stderr ?? ""),
    );
  });
});

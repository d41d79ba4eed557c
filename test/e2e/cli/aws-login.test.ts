// `idp aws login` / `credential-process` against a running gateway: the device code it prints is
// approved on /device by a signed-in person, it polls, trades the ID token at the STS, prints
// credentials the AWS SDK accepts; the second call is served from the owner-only cache.
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { runCli } from "../../../src/cli/index.ts";
import { Browser } from "../../helpers/browser.ts";
import { approveDevice, startOidcApp, type OidcTestApp } from "../../helpers/oidc.ts";

const ENGINEER = "arn:aws:iam::111122223333:role/Engineer";

/** What a person does in the browser: enter the code on /device, confirm, sign in as alice. */
async function approve(app: OidcTestApp, userCode: string): Promise<void> {
  const done = await approveDevice(app, new Browser(app.request), userCode);
  assert.match(done.text, /is now signed in/);
}

/** Runs `idp aws …` in-process; approves the device code as soon as the command prints it. */
async function awsCli(app: OidcTestApp, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let approval: Promise<void> | undefined;
  const code = await runCli(["aws", ...args], {
    out: (l) => out.push(l),
    err: (l) => {
      err.push(l);
      const userCode = /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(l)?.[1];
      if (userCode) approval = approve(app, userCode);
    },
  });
  await approval;
  return { code, out: out.join("\n"), err: err.join("\n"), prompted: approval !== undefined };
}

describe("idp aws against a running gateway", () => {
  let app: OidcTestApp;
  before(async () => {
    app = await startOidcApp("pglite");
    // the command reads its cache folder from the environment, as a person's shell would set it
    process.env.IDP_CACHE_DIR = await mkdtemp(path.join(os.tmpdir(), "idp-aws-cache-"));
  });
  after(async () => {
    delete process.env.IDP_CACHE_DIR;
    await app.close();
  });

  test("credential-process: device sign-in, then JSON credentials the SDK accepts; the next call is cached", async () => {
    const args = ["credential-process", "--issuer", app.base, "--role-arn", ENGINEER];
    const first = await awsCli(app, args);
    assert.equal(first.code, 0, first.err);
    assert.ok(first.prompted, "the device code was shown");
    assert.match(first.err, new RegExp(`open ${app.base}/device`));
    const creds = JSON.parse(first.out);
    assert.equal(creds.Version, 1);
    assert.match(creds.AccessKeyId, /^ASIA/);

    const sts = new STSClient({ endpoint: `${app.base}/sts`, region: "us-east-1", credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken } });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, "arn:aws:sts::111122223333:assumed-role/Engineer/alice");

    const second = await awsCli(app, args);
    assert.equal(second.code, 0, second.err);
    assert.equal(second.prompted, false, "no second sign-in");
    assert.equal(JSON.parse(second.out).AccessKeyId, creds.AccessKeyId);
  });

  test("login without --role-arn and several roles: lists them, exit 64", async () => {
    const r = await awsCli(app, ["login", "--issuer", app.base, "--no-cache"]);
    assert.equal(r.code, 64, r.err);
    assert.match(r.err, /you have several roles; choose one with --role-arn/);
    assert.match(r.err, /role\/Engineer/);
  });

  test("a role the person was not granted: the STS's refusal, exit 1", async () => {
    const r = await awsCli(app, ["login", "--issuer", app.base, "--no-cache", "--role-arn", "arn:aws:iam::111122223333:role/Finance"]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /the STS refused: IDPRejectedClaim\w*: The identity provider did not grant arn:aws:iam::111122223333:role\/Finance/);
  });
});

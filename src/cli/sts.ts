// `idp sts …`: IAM users with long-term access keys and MFA devices for the local STS, and
// revocation. Secrets are printed once and stored only encrypted.
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, stdio, withServices, type Io } from "./context.ts";
import { DEMO_ACCOUNT } from "../seed/demo-data.ts";

export const STS_OPTIONS = ["account"] as const;

export async function stsCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const [group, sub, ...rest] = args.positionals;
  const tail = { ...args, positionals: rest };
  const account = args.options.account ?? DEMO_ACCOUNT;
  const key = `${group ?? ""} ${sub ?? ""}`.trim();
  switch (key) {
    case "user create": {
      const [name] = expectPositionals(tail, ["name"]);
      return withServices(async ({ sts }) => {
        const u = await sts.iamUsers.createUser(account, name!, CLI_ACTOR);
        io.out(`${u.arn}  ${u.userId}`);
        return 0;
      }, io);
    }
    case "access-key create": {
      const [name] = expectPositionals(tail, ["name"]);
      return withServices(async ({ sts }) => {
        const k = await sts.iamUsers.createAccessKey(account, name!, CLI_ACTOR);
        io.out(`AccessKeyId      ${k.accessKeyId}`);
        io.out(`SecretAccessKey  ${k.secretAccessKey}`);
        return 0;
      }, io);
    }
    case "access-key deactivate": {
      const [id] = expectPositionals(tail, ["access-key-id"]);
      return withServices(async ({ sts }) => {
        await sts.iamUsers.setAccessKeyStatus(id!, "Inactive", CLI_ACTOR);
        io.out(`${id} Inactive`);
        return 0;
      }, io);
    }
    case "mfa create": {
      const [name, device] = expectPositionals(tail, ["name", "device"]);
      return withServices(async ({ sts }) => {
        const d = await sts.iamUsers.createMfaDevice(account, name!, device!, CLI_ACTOR);
        io.out(`SerialNumber  ${d.serialNumber}`);
        io.out(`TOTP secret   ${d.secretBase32}`);
        return 0;
      }, io);
    }
    case "revoke older-sessions": {
      const [roleArn] = expectPositionals(tail, ["role-arn"]);
      return withServices(async ({ sts, audit }) => {
        const at = new Date();
        await sts.revokeOlderSessions(roleArn!, at);
        await audit.record({ actor: CLI_ACTOR, action: "sts.revoke.older-sessions", target: roleArn!, outcome: "success", details: { before: at.toISOString() } });
        io.out(`sessions of ${roleArn} issued before ${at.toISOString()} are revoked`);
        return 0;
      }, io);
    }
    case "revoke session": {
      const [id] = expectPositionals(tail, ["access-key-id"]);
      return withServices(async ({ sts, audit }) => {
        const found = await sts.revokeSession(id!);
        await audit.record({ actor: CLI_ACTOR, action: "sts.revoke.session", target: id!, outcome: found ? "success" : "failure" });
        io.out(found ? `${id} revoked` : `${id}: no such active session`);
        return found ? 0 : 1;
      }, io);
    }
    default:
      throw new UsageError(`unknown sts command ${JSON.stringify(key)} (user create, access-key create|deactivate, mfa create, revoke older-sessions|session)`);
  }
}

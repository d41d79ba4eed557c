// The `idp` command (bin/idp.js → here). One file per command group; this file dispatches and
// turns every failure into one line on stderr and a non-zero exit code (sysexits.h values).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../config.ts";
import { DomainError, isDatabaseUnavailable } from "../errors.ts";
import { parseArgs, type Parsed, UsageError } from "./args.ts";
import { CliError, stdio, type Io } from "./context.ts";
import { HELP } from "./help.ts";

export const EXIT = { ok: 0, failed: 1, usage: 64, unavailable: 69, config: 78 } as const;

type Command = { run: (args: Parsed, io: Io) => Promise<number>; options?: readonly string[]; flags?: readonly string[] };

// Each command group is imported when it runs, not before: the groups between them load the whole
// server (Prisma, PGlite, oidc-provider, the AWS SDK…), seconds of start-up that `idp help`, a
// usage error or `idp migrate` have no use for.
const COMMANDS: Record<string, () => Promise<Command>> = {
  migrate: async () => ({ run: (await import("./migrate.ts")).migrateCommand }),
  seed: async () => ({ run: (await import("./seed.ts")).seedCommand }),
  keys: async () => ({ run: (await import("./keys.ts")).keysCommand }),
  users: async () => {
    const m = await import("./users.ts");
    return { run: m.usersCommand, options: m.USERS_OPTIONS };
  },
  aws: async () => {
    const m = await import("./aws/index.ts");
    return { run: m.awsCommand, options: m.AWS_OPTIONS, flags: m.AWS_FLAGS };
  },
  saml: async () => {
    const m = await import("./saml.ts");
    return { run: m.samlCommand, options: m.SAML_OPTIONS };
  },
  sts: async () => {
    const m = await import("./sts.ts");
    return { run: m.stsCommand, options: m.STS_OPTIONS };
  },
  upstream: async () => {
    const m = await import("./upstream.ts");
    return { run: m.upstreamCommand, options: m.UPSTREAM_OPTIONS, flags: m.UPSTREAM_FLAGS };
  },
  help: async () => ({ run: async (_a, io) => (io.out(HELP), EXIT.ok) }),
};
// Subcommands with a file of their own, found by "<command> <subcommand>" before "<command>".
const upstreamGroups = async (): Promise<Command> => {
  const m = await import("./upstream-groups.ts");
  return { run: m.upstreamGroupsCommand, options: m.UPSTREAM_GROUPS_OPTIONS };
};
const SUBCOMMANDS: Record<string, () => Promise<Command>> = { "upstream map-group": upstreamGroups, "upstream unmap-group": upstreamGroups, "upstream groups": upstreamGroups };

export async function runCli(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h") {
      io.out(HELP);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const sub = `${name} ${rest[0]}`;
    const load = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    const command = await load();
    return await command.run(parseArgs(rest, command.options, command.flags), io);
  } catch (err) {
    const [message, code] = describe(err);
    io.err(`idp: ${message}`);
    if (code === EXIT.usage) io.err("run `idp help` for usage");
    return code;
  }
}

function describe(err: unknown): [string, number] {
  const message = ((err as Error)?.message ?? String(err)).split("\n")[0]!;
  if (err instanceof UsageError) return [message, EXIT.usage];
  if (err instanceof CliError) return [message, err.exitCode];
  if (err instanceof ConfigError) return [message, EXIT.config];
  if (err instanceof DomainError) return [message, EXIT.failed];
  if (isDatabaseUnavailable(err) || /^database unreachable/.test(message)) return [message, EXIT.unavailable];
  return [message, EXIT.failed];
}

// Run when this file is the entry point (`npm run idp -- …` → `tsx src/cli/index.ts`);
// bin/idp.js and tests import runCli instead.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(await runCli(process.argv.slice(2)));
}

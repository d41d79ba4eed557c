// The `idp` command (bin/idp.js → here). One file per command group; this file dispatches and
// turns every failure into one line on stderr and a non-zero exit code (sysexits.h values).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../config.ts";
import { DomainError, isDatabaseUnavailable } from "../errors.ts";
import { parseArgs, type Parsed, UsageError } from "./args.ts";
import { CliError, stdio, type Io } from "./context.ts";
import { AWS_FLAGS, AWS_OPTIONS, awsCommand } from "./aws/index.ts";
import { HELP } from "./help.ts";
import { keysCommand } from "./keys.ts";
import { migrateCommand } from "./migrate.ts";
import { SAML_OPTIONS, samlCommand } from "./saml.ts";
import { seedCommand } from "./seed.ts";
import { USERS_OPTIONS, usersCommand } from "./users.ts";
import { STS_OPTIONS, stsCommand } from "./sts.ts";
import { UPSTREAM_FLAGS, UPSTREAM_OPTIONS, upstreamCommand } from "./upstream.ts";

export const EXIT = { ok: 0, failed: 1, usage: 64, unavailable: 69, config: 78 } as const;

type Command = { run: (args: Parsed, io: Io) => Promise<number>; options?: readonly string[]; flags?: readonly string[] };

const COMMANDS: Record<string, Command> = {
  migrate: { run: migrateCommand },
  seed: { run: seedCommand },
  keys: { run: keysCommand },
  users: { run: usersCommand, options: USERS_OPTIONS },
  aws: { run: awsCommand, options: AWS_OPTIONS, flags: AWS_FLAGS },
  saml: { run: samlCommand, options: SAML_OPTIONS },
  sts: { run: stsCommand, options: STS_OPTIONS },
  upstream: { run: upstreamCommand, options: UPSTREAM_OPTIONS, flags: UPSTREAM_FLAGS },
  help: { run: async (_a, io) => (io.out(HELP), EXIT.ok) },
};

export async function runCli(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h") {
      io.out(HELP);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
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

// What every `idp` command runs in: the server's configuration (same environment), the same
// database (with the server's connection retry), and — for commands that need them — the same
// services the server builds. Logs go to stderr so stdout stays the command's output.
// The database and the services are imported when a command first needs them (see index.ts).
import { readFile } from "node:fs/promises";
import { loadConfig, type Config } from "../config.ts";
import type { Database } from "../db/index.ts";
import type { Services } from "../services.ts";

/** Audit actor of every change made through the CLI. */
export const CLI_ACTOR = "cli";

export class CliError extends Error {
  override name = "CliError";
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Io = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** A file named on the command line, as text; an unreadable one is a CliError naming it. */
export function readTextFile(file: string): Promise<string> {
  return readFile(file, "utf8").catch((e: Error) => Promise.reject(new CliError(`cannot read ${file}: ${e.message}`)));
}

export function cliConfig(): Config {
  return loadConfig();
}

export async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>, io: Io = stdio): Promise<T> {
  const config = cliConfig();
  const { connectWithRetry, databaseTarget } = await import("../db/index.ts");
  const target = databaseTarget(config);
  const db = await connectWithRetry(target, { attempts: config.dbConnectAttempts, log: (m) => io.err(m) });
  try {
    return await fn(db, config);
  } finally {
    await db.close().catch(() => {});
  }
}

/** Builds the server's services on an up-to-date database; refuses a database with pending migrations. */
export async function withServices<T>(fn: (s: Services) => Promise<T>, io: Io = stdio): Promise<T> {
  return withDatabase(async (db, config) => {
    const [{ databaseTarget, describeTarget, pendingMigrations }, { pino }, { createServices }] = await Promise.all([
      import("../db/index.ts"),
      import("pino"),
      import("../services.ts"),
    ]);
    const pending = await db.withSession((s) => pendingMigrations(s));
    if (pending.length) {
      throw new CliError(`${describeTarget(databaseTarget(config))} has ${pending.length} pending migration(s); run \`idp migrate\` first`);
    }
    const logger = pino({ level: config.logLevel === "info" ? "warn" : config.logLevel, base: { service: "idp-cli" } }, pino.destination({ dest: 2, sync: true }));
    const services = await createServices(config, db, logger, { defaultMetrics: false });
    try {
      return await fn(services);
    } finally {
      await services.close().catch(() => {});
    }
  }, io);
}

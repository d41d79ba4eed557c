// Boot steps shared by the single process, the cluster's preparer and its workers. A failure stops
// the process with one line on stderr and the exit code the README documents (78 configuration,
// 69 database unreachable), never with a stack trace.
import { ConfigError, type Config } from "../config.ts";
import { connectWithRetry, databaseTarget, type Database, type DatabaseTarget } from "../db/index.ts";
import type { Logger } from "../http/index.ts";
import { seedDemoIfEmpty } from "../seed/index.ts";
import { createServices, type Services } from "../services.ts";

export const EX_CONFIG = 78;
export const EX_UNAVAILABLE = 69;

/** Connects (with retry); `migrate` applies pending migrations, which only the preparing process does. */
export async function connectOrExit(config: Config, logger: Logger, opts: { migrate: boolean }): Promise<{ db: Database; target: DatabaseTarget }> {
  const target = databaseTarget(config);
  try {
    const db = await connectWithRetry(target, { attempts: config.dbConnectAttempts, log: (m) => logger.warn(m) });
    if (opts.migrate) {
      const { applied } = await db.migrate();
      // logged either way: an operator (and the cluster test) can see which process ran the migrator
      logger.info({ applied }, applied.length ? "database migrated" : "database schema up to date");
    }
    return { db, target };
  } catch (err) {
    logger.fatal((err as Error).message);
    console.error((err as Error).message);
    process.exit(EX_UNAVAILABLE);
  }
}

export async function createServicesOrExit(config: Config, db: Database, logger: Logger, opts: { defaultMetrics?: boolean } = {}): Promise<Services> {
  try {
    return await createServices(config, db, logger, opts);
  } catch (err) {
    // e.g. an unreadable or malformed master key: a configuration problem, one clear line.
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    await db.close();
    process.exit(EX_CONFIG);
  }
}

/** The demo seed (IDP_SEED_DEMO), into an empty directory only. */
export async function seedIfConfigured(services: Services): Promise<void> {
  if (!services.config.seedDemo) return;
  const seeded = await seedDemoIfEmpty(services);
  services.logger.info(seeded ? "demo data seeded (users admin, alice, bob)" : "demo data: directory not empty, nothing seeded");
}

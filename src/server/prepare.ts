// The cluster's database preparation (IDP_WORKERS > 1): migrations, signing keys, demo seed,
// once, before any worker starts. It runs in a short-lived child of the primary, so that the
// primary, which lives as long as the workers, never loads the application's modules (~60 MB).
// Failures exit like a single process's boot (one line; 69 or 78), and the primary exits with
// the same code.
import type { Config } from "../config.ts";
import { describeTarget } from "../db/index.ts";
import { createLogger } from "../http/index.ts";
import { connectOrExit, createServicesOrExit, seedIfConfigured } from "./boot.ts";
import type { Prepared } from "./cluster.ts";

export async function runPreparer(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel).child({ role: "prepare", pid: process.pid });
  const { db, target } = await connectOrExit(config, logger, { migrate: true });
  const services = await createServicesOrExit(config, db, logger, { defaultMetrics: false });
  await seedIfConfigured(services);
  await services.close();
  await db.close();
  process.send!({ type: "idp:prepared", database: describeTarget(target) } satisfies Prepared, () => process.exit(0));
}

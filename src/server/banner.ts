// The human-readable "it is up" lines on stdout (the logs say the same in JSON). The cluster
// primary prints them once, when every worker listens.
import type { Config } from "../config.ts";

export function printBanner(config: Config, database: string, workers?: number): void {
  console.log(`\n  idp-gateway is up at ${config.baseUrl}  (${database}${workers ? `, ${workers} worker processes` : ""})`);
  if (config.seedDemo) console.log(`  Sign in as alice, bob or admin with password "${config.demoPassword === "demo-password" ? "demo-password" : "<IDP_DEMO_PASSWORD>"}"\n`);
}

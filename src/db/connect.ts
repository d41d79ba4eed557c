// Boot-time connection with retry and backoff: a database that is still starting (docker-compose,
// a failover) should delay boot, not crash it; one that stays down stops boot with a clear line.
import type { Config } from "../config.ts";
import { openDatabase, type Database, type DatabaseTarget } from "./database.ts";
import path from "node:path";

export function databaseTarget(config: Pick<Config, "databaseUrl" | "dataDir"> & Partial<Pick<Config, "dbPoolSize">>): DatabaseTarget {
  return config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl, poolSize: config.dbPoolSize }
    : { kind: "embedded", dir: path.join(config.dataDir, "pglite") };
}

export function describeTarget(t: DatabaseTarget): string {
  if (t.kind === "embedded") return t.dir ? `embedded PGlite at ${t.dir}` : "embedded PGlite in memory";
  const u = new URL(t.url);
  return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
}

export async function connectWithRetry(
  target: DatabaseTarget,
  opts: { attempts?: number; firstDelayMs?: number; log?: (msg: string) => void } = {},
): Promise<Database> {
  const attempts = opts.attempts ?? 6;
  let delay = opts.firstDelayMs ?? 500;
  for (let i = 1; ; i++) {
    const db = await openDatabase(target);
    try {
      await db.ping();
      return db;
    } catch (err) {
      await db.close().catch(() => {});
      const reason = oneLineReason(err);
      if (i >= attempts) throw new Error(`database unreachable: ${describeTarget(target)} (${reason}); gave up after ${attempts} attempts`, { cause: err });
      opts.log?.(`database unreachable: ${describeTarget(target)} (${reason}); retry ${i}/${attempts - 1} in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
}

/** A driver error in one line. Prisma's messages start with a blank line and carry the driver's
 * own text as "Message: `...`"; prefer that, else the first non-empty line, else the error code. */
export function oneLineReason(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown } | undefined;
  const message = typeof e?.message === "string" ? e.message : "";
  const quoted = /Message: `([^`]+)`/.exec(message)?.[1];
  const first = message.split("\n").map((l) => l.trim()).find((l) => l !== "");
  return (quoted ?? first ?? (e?.code ? String(e.code) : "unknown error")).slice(0, 300);
}

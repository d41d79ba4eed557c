// Prisma client factory over one of two runtimes of the same PostgreSQL schema:
// embedded PGlite (data in IDP_DATA_DIR, or in memory for tests) or a PostgreSQL server.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.ts";
import { lockEmbedded } from "./embedded-lock.ts";
import { migrate, type MigrateResult } from "./migrator.ts";
import { pgRawSql, prismaRawSql, type RawSql } from "./raw-sql.ts";
import type { SqlSession } from "./sql.ts";

export type { PrismaClient };

export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "embedded"; dir: string | null /* null = in memory */ };

/** connections per process when IDP_DB_POOL_SIZE is not set */
export const DEFAULT_POOL_SIZE = 10;

export type Unlisten = () => Promise<void>;

export interface Database {
  readonly kind: DatabaseTarget["kind"];
  readonly prisma: PrismaClient;
  /**
   * The process's one connection pool (postgres only). Prisma runs over it, and the hot paths
   * (OIDC grants, STS sessions) send their few statements through it directly: Prisma's query
   * compiler costs more CPU than those statements. One pool per process keeps the connection
   * count predictable: IDP_DB_POOL_SIZE × instances (+ one LISTEN connection per cache).
   */
  readonly pool?: pg.Pool;
  /** the hot paths' statements: over `pool` on PostgreSQL, over Prisma on PGlite */
  readonly sql: RawSql;
  /** apply pending migrations under the advisory lock */
  migrate(): Promise<MigrateResult>;
  /** a single dedicated session for raw SQL that must not hop connections */
  withSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; the handler receives each NOTIFY payload. Reconnects on PostgreSQL. */
  listen(channel: string, handler: (payload: string) => void, onReconnect?: () => void): Promise<Unlisten>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url, target.poolSize) : openEmbedded(target.dir);
}

async function openEmbedded(dir: string | null): Promise<Database> {
  if (dir) await mkdir(path.dirname(dir), { recursive: true });
  const lock = dir ? await lockEmbedded(dir) : undefined;
  let lite: PGlite;
  try {
    lite = dir ? new PGlite(dir) : new PGlite();
    await lite.waitReady;
  } catch (err) {
    await lock?.release();
    throw err;
  }
  // PGlite is one connection; this session and Prisma share it, serialised by PGlite itself.
  const session: SqlSession = {
    exec: async (sql) => void (await lite.exec(sql)),
    query: async <T,>(sql: string, params: unknown[] = []) => (await lite.query<T>(sql, params)).rows,
  };
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
  return {
    kind: "embedded",
    prisma,
    sql: prismaRawSql(prisma),
    migrate: () => migrate(session),
    withSession: (fn) => fn(session),
    async listen(channel, handler) {
      const unsub = await lite.listen(channel, handler);
      return async () => unsub();
    },
    ping: async () => void (await lite.query("SELECT 1")),
    async close() {
      await prisma.$disconnect();
      if (!lite.closed) await lite.close();
      await lock?.release();
    },
  };
}

async function openPostgres(url: string, poolSize = DEFAULT_POOL_SIZE): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  pool.on("error", () => {}); // an idle client's connection dropped: the pool replaces it
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const listeners = new Set<pg.Client>();

  async function withSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await fn({
        exec: async (sql) => void (await client.query(sql)),
        query: async <R,>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
      });
    } finally {
      await client.end().catch(() => {});
    }
  }

  async function listen(channel: string, handler: (payload: string) => void, onReconnect?: () => void): Promise<Unlisten> {
    let closed = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      c.on("notification", (n) => n.channel === channel && handler(n.payload ?? ""));
      // A dropped LISTEN connection means notifications may have been missed: reconnect and let
      // the owner resynchronise (onReconnect), rather than serve a stale cache silently.
      c.on("error", () => {});
      c.on("end", () => {
        listeners.delete(c);
        if (!closed) retry = setTimeout(() => void connect().then(onReconnect, () => {}), 1000).unref();
      });
      await c.connect();
      await c.query(`LISTEN "${channel.replace(/"/g, "")}"`);
      listeners.add(c);
      client = c;
    };
    await connect();
    return async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    };
  }

  return {
    kind: "postgres",
    pool,
    sql: pgRawSql(pool),
    prisma,
    migrate: () => withSession((s) => migrate(s)),
    withSession,
    listen,
    ping: async () => void (await prisma.$queryRawUnsafe("SELECT 1")),
    async close() {
      for (const c of listeners) await c.end().catch(() => {});
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

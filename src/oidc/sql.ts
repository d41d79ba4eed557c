// The adapter's SQL seam. On PostgreSQL it is a raw `pg` pool: the token endpoint runs one
// statement per grant, and Prisma's query compiler costs more CPU than the statement (STACK.md:
// raw pg ~3× Prisma per query). On the embedded PGlite there is one connection anyway, so the
// statements go through Prisma's raw-query API.
import pg from "pg";
import type { PrismaClient } from "../generated/prisma/client.ts";

export interface Sql {
  query<T>(text: string, params: unknown[]): Promise<T[]>;
  execute(text: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export function pgSql(url: string, max = 10): Sql {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  pool.on("error", () => {}); // an idle client's connection dropped: the pool replaces it
  return {
    query: async <T,>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[],
    execute: async (text, params) => (await pool.query(text, params)).rowCount ?? 0,
    close: () => pool.end(),
  };
}

export function prismaSql(prisma: PrismaClient): Sql {
  return {
    query: <T,>(text: string, params: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...params),
    execute: (text, params) => prisma.$executeRawUnsafe(text, ...params),
    close: async () => {},
  };
}

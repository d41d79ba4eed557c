// The adapter's SQL seam. On PostgreSQL it is the process's `pg` pool: the token endpoint runs one
// statement per grant, and Prisma's query compiler costs more CPU than the statement (STACK.md:
// raw pg ~3× Prisma per query). On the embedded PGlite there is one connection anyway, so the
// statements go through Prisma's raw-query API.
import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client.ts";

export interface Sql {
  query<T>(text: string, params: unknown[]): Promise<T[]>;
  execute(text: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** Over the shared pool (Database.pool): closing the database ends it, not this. */
export function pgSql(pool: pg.Pool): Sql {
  return {
    query: async <T,>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[],
    execute: async (text, params) => (await pool.query(text, params)).rowCount ?? 0,
    close: async () => {},
  };
}

export function prismaSql(prisma: PrismaClient): Sql {
  return {
    query: <T,>(text: string, params: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...params),
    execute: (text, params) => prisma.$executeRawUnsafe(text, ...params),
    close: async () => {},
  };
}

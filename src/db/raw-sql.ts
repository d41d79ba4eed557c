// The hot paths' SQL seam (OIDC grants and artifacts, STS sessions and audit): a few statements
// per request whose cost in Prisma's query compiler exceeds the statements' own (STACK.md: raw pg
// ~3× cheaper than Prisma per query). On PostgreSQL it is the process's `pg` pool, where a named
// statement is parsed and planned once per connection; on the embedded PGlite, with its one
// connection, it is Prisma's raw-query API.
import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client.ts";

/** A statement: its SQL text, optionally named so PostgreSQL prepares it once per connection. */
export type Statement = string | { name: string; text: string };

export interface RawSql {
  query<T>(statement: Statement, params: unknown[]): Promise<T[]>;
  /** the number of rows written */
  execute(statement: Statement, params: unknown[]): Promise<number>;
}

/** Over the shared pool (Database.pool): closing the database ends it. */
export function pgRawSql(pool: pg.Pool): RawSql {
  const config = (s: Statement, values: unknown[]) => (typeof s === "string" ? { text: s, values } : { name: s.name, text: s.text, values });
  return {
    query: async <T,>(s: Statement, params: unknown[]) => (await pool.query(config(s, params))).rows as T[],
    execute: async (s, params) => (await pool.query(config(s, params))).rowCount ?? 0,
  };
}

export function prismaRawSql(prisma: PrismaClient): RawSql {
  const text = (s: Statement) => (typeof s === "string" ? s : s.text);
  return {
    query: <T,>(s: Statement, params: unknown[]) => prisma.$queryRawUnsafe<T[]>(text(s), ...params),
    execute: (s, params) => prisma.$executeRawUnsafe(text(s), ...params),
  };
}

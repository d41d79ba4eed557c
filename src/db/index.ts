export { openDatabase, type Database, type DatabaseTarget, type PrismaClient, type Unlisten } from "./database.ts";
export { connectWithRetry, databaseTarget, describeTarget } from "./connect.ts";
export { EmbeddedDatabaseInUse } from "./embedded-lock.ts";
export { migrate, pendingMigrations, readMigrations } from "./migrator.ts";
export type { SqlSession } from "./sql.ts";
export { prismaRawSql, type RawSql, type Statement } from "./raw-sql.ts";

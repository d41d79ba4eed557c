// The one raw-SQL seam below Prisma: the migrator and LISTEN/NOTIFY need a single connection
// (advisory locks and LISTEN are per session), which Prisma's pool cannot promise.
export interface SqlSession {
  /** run one or many statements without parameters */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

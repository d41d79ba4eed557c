// Upserts arriving in the same event-loop turn go to the database as ONE multi-row statement.
// Under load the token endpoint saves one artifact per grant; a round trip (and its socket
// writes) per grant dominated the client-credentials cost, so concurrent grants share one.
// A key already waiting in the batch starts a new batch: one statement must not touch a row twice.
import type { RawSql } from "../db/index.ts";

const COLUMNS = 9;
const MAX_ROWS = 200;

interface Pending {
  key: string;
  params: unknown[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class UpsertBatcher {
  #batch: Pending[] = [];
  #keys = new Set<string>();
  #scheduled = false;

  constructor(private readonly sql: RawSql) {}

  /** params: model, id, payload (JSON text), grant_id, user_code, uid, account_id, client_id, expires_at */
  upsert(params: unknown[]): Promise<void> {
    const key = `${params[0]}\u0000${params[1]}`;
    if (this.#keys.has(key) || this.#batch.length >= MAX_ROWS) this.#flushNow();
    return new Promise<void>((resolve, reject) => {
      this.#batch.push({ key, params, resolve, reject });
      this.#keys.add(key);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flushNow());
      }
    });
  }

  /** The same statement for one row, sent at once. */
  async upsertAlone(params: unknown[]): Promise<void> {
    await this.sql.execute(statement(1), params);
  }

  #flushNow(): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#keys = new Set();
    this.#scheduled = false;
    if (batch.length === 0) return;
    this.sql.execute(statement(batch.length), batch.flatMap((p) => p.params)).then(
      () => batch.forEach((p) => p.resolve()),
      (err) => batch.forEach((p) => p.reject(err)),
    );
  }
}

const statements = new Map<number, string>();

/** The multi-row upsert for `rows` rows (built once per size). */
function statement(rows: number): string {
  let text = statements.get(rows);
  if (!text) statements.set(rows, (text = build(rows)));
  return text;
}

const INTO = "INSERT INTO oidc_artifacts (model, id, payload, grant_id, user_code, uid, account_id, client_id, expires_at)";
const ON_CONFLICT = `ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
        user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, account_id = EXCLUDED.account_id,
        client_id = EXCLUDED.client_id, expires_at = EXCLUDED.expires_at`;

function build(rows: number): string {
  const values = Array.from({ length: rows }, (_, i) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${i * COLUMNS + c + 1}${c === 2 ? "::jsonb" : c === 8 ? "::timestamptz" : ""}`).join(", ")})`);
  return `${INTO}
      VALUES ${values.join(", ")}
      ${ON_CONFLICT}`;
}

/**
 * The one-row upsert, writing only when `from` (a SELECT over aliases it defines, ending in its
 * WHERE and locking clause) yields a row; $10 onwards are its parameters.
 */
export function conditionalUpsert(from: string): string {
  return `${INTO}
      SELECT $1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9::timestamptz ${from}
      ${ON_CONFLICT}`;
}

// Group commit for issued STS sessions. Every exchange must persist its session before answering,
// and on a busy instance most of that cost is per statement, not per row: a socket write and a
// round trip in this process, a parse/bind/execute and a WAL flush in PostgreSQL. So rows that
// arrive while earlier batches are in flight wait for the next one, and one multi-row INSERT
// (jsonb_to_recordset) writes them all. An idle instance writes a lone row at once: batching only
// happens under load, where the wait is shorter than the queueing it saves.
//
// A row with a replay key (a SAML assertion id) is written only if its key is claimed in the same
// statement (a CTE), so a replayed assertion inserts nothing. Two rows of one batch with the same
// key: the later one loses at once, without the database. If a batch fails, its rows are retried
// one by one, so that a row that cannot be written fails only its own request.
import type { RawSql } from "../../db/index.ts";

/** One sts_sessions row, as the columns of the INSERT below. */
export interface SessionRow {
  access_key_id: string;
  secret_enc: string;
  /** SHA-256 of the session token, hex */
  token_hash: string;
  kind: string;
  account_id: string;
  arn: string;
  user_id: string;
  role_arn: string | null;
  iam_user_name: string | null;
  session_name: string | null;
  source_identity: string | null;
  tags: Record<string, string>;
  transitive_tag_keys: string[];
  session_policy: unknown;
  mfa: boolean;
  chained: boolean;
  issued_at: Date;
  expires_at: Date;
  replay_id: string | null;
  replay_expires_at: Date | null;
}

/** Batches in flight at once: more would take pool connections without batching more. */
const MAX_IN_FLIGHT = 2;
/** rows per statement (a statement of this size is ~0.5 MB of JSON at most) */
const MAX_BATCH = 256;

const INSERT_BATCH = {
  name: "sts_session_insert_batch",
  text: `WITH rows AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(access_key_id text, secret_enc text, token_hash text, kind text,
        account_id text, arn text, user_id text, role_arn text, iam_user_name text, session_name text, source_identity text,
        tags jsonb, transitive_tag_keys jsonb, session_policy jsonb, mfa boolean, chained boolean,
        issued_at timestamptz, expires_at timestamptz, replay_id text, replay_expires_at timestamptz)
    ), claimed AS (
      INSERT INTO sts_saml_replay (id, expires_at) SELECT replay_id, replay_expires_at FROM rows WHERE replay_id IS NOT NULL
      ON CONFLICT DO NOTHING RETURNING id
    )
    INSERT INTO sts_sessions (access_key_id, secret_enc, token_hash, kind, account_id, arn, user_id, role_arn, iam_user_name,
      session_name, source_identity, tags, transitive_tag_keys, session_policy, mfa, chained, issued_at, expires_at)
    SELECT access_key_id, secret_enc, decode(token_hash, 'hex'), kind, account_id, arn, user_id, role_arn, iam_user_name,
      session_name, source_identity, tags, ARRAY(SELECT jsonb_array_elements_text(transitive_tag_keys)), session_policy, mfa,
      chained, issued_at, expires_at
    FROM rows WHERE replay_id IS NULL OR replay_id IN (SELECT id FROM claimed)
    RETURNING access_key_id`,
};

interface Pending {
  row: SessionRow;
  done(written: boolean): void;
  fail(err: unknown): void;
}

export class SessionWriter {
  #queue: Pending[] = [];
  #inFlight = 0;

  constructor(
    private readonly sql: RawSql,
    private readonly maxInFlight = MAX_IN_FLIGHT,
  ) {}

  /** Resolves true once the row is committed, false when its replay key was already claimed. */
  write(row: SessionRow): Promise<boolean> {
    return new Promise((done, fail) => {
      this.#queue.push({ row, done, fail });
      if (this.#inFlight < this.maxInFlight) this.#next();
    });
  }

  #next(): void {
    const batch = this.#queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.#inFlight++;
    void this.#write(batch).finally(() => {
      this.#inFlight--;
      this.#next();
    });
  }

  async #write(batch: Pending[]): Promise<void> {
    const rows = withoutRepeatedReplayKeys(batch);
    if (rows.length === 0) return;
    try {
      const written = await this.#insert(rows.map((p) => p.row));
      for (const p of rows) p.done(written.has(p.row.access_key_id));
    } catch (err) {
      if (rows.length === 1) return rows[0]!.fail(err);
      for (const p of rows) {
        await this.#insert([p.row]).then((w) => p.done(w.size === 1), p.fail);
      }
    }
  }

  async #insert(rows: SessionRow[]): Promise<Set<string>> {
    const written = await this.sql.query<{ access_key_id: string }>(INSERT_BATCH, [JSON.stringify(rows)]);
    return new Set(written.map((r) => r.access_key_id));
  }
}

/** The batch without a second use of one replay key: those lose now (the first one may still win). */
function withoutRepeatedReplayKeys(batch: Pending[]): Pending[] {
  const keys = new Set<string>();
  return batch.filter((p) => {
    const key = p.row.replay_id;
    if (key === null) return true;
    if (keys.has(key)) {
      p.done(false);
      return false;
    }
    keys.add(key);
    return true;
  });
}

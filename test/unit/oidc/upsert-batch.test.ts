// Concurrent upserts share one statement; a key already waiting starts a new one (one statement
// must never touch a row twice); a failed statement fails every caller in it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RawSql } from "../../../src/db/index.ts";
import { UpsertBatcher } from "../../../src/oidc/upsert-batch.ts";

function recordingSql(fail = false): RawSql & { statements: { text: string; params: unknown[] }[] } {
  const statements: { text: string; params: unknown[] }[] = [];
  return {
    statements,
    query: async () => [],
    execute: async (statement, params) => {
      statements.push({ text: typeof statement === "string" ? statement : statement.text, params });
      if (fail) throw new Error("db down");
      return params.length / 9;
    },
  };
}

const row = (model: string, id: string) => [model, id, "{}", null, null, null, null, null, null];

describe("UpsertBatcher", () => {
  test("upserts in the same turn go out as one multi-row statement", async () => {
    const sql = recordingSql();
    const b = new UpsertBatcher(sql);
    await Promise.all([b.upsert(row("AccessToken", "a")), b.upsert(row("AccessToken", "b")), b.upsert(row("ClientCredentials", "c"))]);
    assert.equal(sql.statements.length, 1);
    assert.equal(sql.statements[0]!.params.length, 27);
    assert.match(sql.statements[0]!.text, /\(\$19, \$20, \$21::jsonb,/);
    assert.match(sql.statements[0]!.text, /ON CONFLICT \(model, id\) DO UPDATE/);
  });

  test("the same key twice: two statements, in order", async () => {
    const sql = recordingSql();
    const b = new UpsertBatcher(sql);
    await Promise.all([b.upsert(row("AccessToken", "a")), b.upsert(row("AccessToken", "a"))]);
    assert.equal(sql.statements.length, 2);
    assert.equal(sql.statements[0]!.params.length, 9);
  });

  test("a failed statement rejects every caller in it", async () => {
    const b = new UpsertBatcher(recordingSql(true));
    const results = await Promise.allSettled([b.upsert(row("AccessToken", "a")), b.upsert(row("AccessToken", "b"))]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  });
});

// The admin API's OpenAPI document is a valid OpenAPI 3.1 document (checked against the
// specification's JSON schema) and every $ref resolves.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { openApiDocument } from "../../../src/admin/openapi.ts";

describe("admin OpenAPI document", () => {
  test("validates against the OpenAPI 3.1 schema", async () => {
    const doc = openApiDocument("https://idp.example.com");
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    assert.equal(validator.version, "3.1");
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
  });

  test("operation ids are unique and every $ref resolves", () => {
    const doc = openApiDocument("https://idp.example.com") as { paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } };
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    assert.equal(new Set(ids).size, ids.length);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length > 10);
    for (const r of refs) assert.ok(doc.components.schemas[r], r);
  });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import type { RequestContext } from "../../../../src/sts/iam/index.ts";
import { holds } from "./helpers.ts";

type Row = [operator: string, policy: unknown, request: RequestContext["x"], want: boolean];

function run(rows: Row[]) {
  for (const [operator, policy, request, want] of rows) {
    const context: RequestContext = request === undefined ? {} : { "test:key": request };
    const show = request instanceof Date ? String(request) : JSON.stringify(request);
    assert.equal(holds({ [operator]: { "test:key": policy } }, context), want, `${operator} ${JSON.stringify(policy)} vs ${show}`);
  }
}

test("Numeric operators with numbers and numeric strings", () => {
  run([
    ["NumericEquals", 10, 10, true],
    ["NumericEquals", "10", "10", true],
    ["NumericEquals", "10", "10.0", true],
    ["NumericEquals", "10", "010", true],
    ["NumericEquals", "10", " 10 ", true],
    ["NumericEquals", "1e1", "10", true],
    ["NumericEquals", "10", "11", false],
    ["NumericEquals", "-3.5", "-3.50", true],
    ["NumericEquals", ["1", "2"], "2", true],
    ["NumericNotEquals", "10", "10", false],
    ["NumericNotEquals", "10", "11", true],
    ["NumericNotEquals", ["10", "11"], "11", false],
    ["NumericNotEquals", "10", undefined, true],
    ["NumericLessThan", "10", "9", true],
    ["NumericLessThan", "10", "10", false],
    ["NumericLessThan", "10", "9.99", true],
    ["NumericLessThan", "10", "-100", true],
    ["NumericLessThanEquals", "10", "10", true],
    ["NumericLessThanEquals", "10", "10.01", false],
    ["NumericGreaterThan", "3600", "3601", true],
    ["NumericGreaterThan", "3600", "3600", false],
    ["NumericGreaterThanEquals", "3600", "3600", true],
    ["NumericGreaterThanEquals", "3600", "3599", false],
    ["NumericLessThan", "10", undefined, false],
    // not numbers: never match (and "" or "0x10" are not zero / sixteen)
    ["NumericEquals", "10", "ten", false],
    ["NumericEquals", "0", "", false],
    ["NumericEquals", "16", "0x10", false],
    ["NumericEquals", "abc", "abc", false],
    ["NumericLessThan", "10", true, false],
    ["NumericLessThan", "Infinity", "5", false],
    // compared as numbers, not strings
    ["NumericLessThan", "10", "9", true],
    ["NumericGreaterThan", "9", "10", true],
  ]);
});

test("Date operators: ISO 8601 forms and epoch seconds", () => {
  const t = "2024-06-01T12:00:00Z";
  run([
    ["DateEquals", t, "2024-06-01T12:00:00Z", true],
    ["DateEquals", t, "2024-06-01T12:00:00.000Z", true],
    ["DateEquals", t, "2024-06-01T14:00:00+02:00", true],
    ["DateEquals", t, "2024-06-01T07:00:00-0500", true],
    ["DateEquals", t, "2024-06-01T12:00:00", true], // no zone: UTC
    ["DateEquals", t, "20240601T120000Z", true], // ISO 8601 basic format
    ["DateEquals", t, "1717243200", true], // epoch seconds
    ["DateEquals", t, 1717243200, true],
    ["DateEquals", t, new Date(Date.UTC(2024, 5, 1, 12)), true],
    ["DateEquals", "1717243200", "2024-06-01T12:00:00Z", true],
    ["DateEquals", "2024-06-01", "2024-06-01T00:00:00Z", true],
    ["DateEquals", t, "2024-06-01T12:00:01Z", false],
    ["DateNotEquals", t, "2024-06-01T12:00:01Z", true],
    ["DateNotEquals", t, "2024-06-01T12:00:00Z", false],
    ["DateNotEquals", t, undefined, true],
    ["DateLessThan", t, "2024-06-01T11:59:59Z", true],
    ["DateLessThan", t, "2024-06-01T11:59:59.999Z", true],
    ["DateLessThan", t, "2024-06-01T12:00:00Z", false],
    ["DateLessThan", t, "2024-06-01T12:00:00.001Z", false],
    ["DateLessThanEquals", t, "2024-06-01T12:00:00Z", true],
    ["DateLessThanEquals", t, "2024-06-02", false],
    ["DateGreaterThan", t, "2024-06-01T12:00:00.001Z", true],
    ["DateGreaterThan", t, "2024-06-01T12:00:00Z", false],
    ["DateGreaterThan", "2020-01-01", new Date("2024-01-01T00:00:00Z"), true],
    ["DateGreaterThanEquals", t, "2024-06-01T12:00:00Z", true],
    ["DateGreaterThanEquals", t, "2024-05-31T23:59:59Z", false],
    ["DateLessThan", t, undefined, false],
    // invalid dates never match (no rollover of Feb 30 into March, no 25:00)
    ["DateEquals", "2024-03-01", "2024-02-30", false],
    ["DateEquals", "2024-06-02T01:00:00Z", "2024-06-01T25:00:00Z", false],
    ["DateLessThan", t, "yesterday", false],
    ["DateLessThan", t, "", false],
    ["DateLessThan", t, true, false],
    ["DateLessThan", "not a date", "2000-01-01", false],
    ["DateGreaterThan", t, new Date("invalid"), false],
  ]);
});

// The cluster primary's restart policy: a worker that had been healthy is replaced at once; quick
// deaths in a row (a worker failing at boot) wait 1 s, 2 s, 4 s ... up to 30 s.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RestartBackoff } from "../../../src/server/restart-backoff.ts";

describe("RestartBackoff", () => {
  it("restarts a worker that had been up a while at once", () => {
    assert.equal(new RestartBackoff().next(60_000), 0);
  });

  it("doubles the wait for a crash loop, up to the ceiling", () => {
    const b = new RestartBackoff();
    const waits = Array.from({ length: 8 }, () => b.next(500));
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("a healthy run resets the wait", () => {
    const b = new RestartBackoff({ minMs: 100, maxMs: 1000, stableMs: 5000 });
    assert.deepEqual([b.next(10), b.next(10), b.next(10)], [100, 200, 400]);
    assert.equal(b.next(5000), 0);
    assert.equal(b.next(10), 100);
  });
});

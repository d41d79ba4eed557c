// The per-address limit on starting upstream sign-ins (in memory, per process, minute windows).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StartLimiter } from "../../../src/auth/upstream/start-limit.ts";

const MINUTE = 60_000;

function limiter(perMinute: number, maxAddresses?: number) {
  let now = 10 * MINUTE + 15_000; // 15 s into a minute
  const l = new StartLimiter(perMinute, () => now, maxAddresses);
  return { l, advance: (ms: number) => (now += ms) };
}

describe("StartLimiter", () => {
  it("lets an address start perMinute sign-ins, then refuses until the minute ends", () => {
    const { l } = limiter(3);
    for (let i = 0; i < 3; i++) assert.deepEqual(l.take("ip:192.0.2.1"), { retryAfter: 0, firstRefusal: false });
    assert.deepEqual(l.take("ip:192.0.2.1"), { retryAfter: 45, firstRefusal: true });
  });

  it("marks only the first refusal of a minute, so it is audited once", () => {
    const { l } = limiter(1);
    l.take("a");
    assert.equal(l.take("a").firstRefusal, true);
    assert.equal(l.take("a").firstRefusal, false);
    assert.equal(l.take("a").retryAfter, 45);
  });

  it("counts each address on its own", () => {
    const { l } = limiter(1);
    assert.equal(l.take("a").retryAfter, 0);
    assert.equal(l.take("b").retryAfter, 0);
    assert.ok(l.take("a").retryAfter > 0);
  });

  it("starts counting again in the next minute", () => {
    const { l, advance } = limiter(1);
    l.take("a");
    assert.ok(l.take("a").retryAfter > 0);
    advance(44_999);
    assert.equal(l.take("a").retryAfter, 1);
    advance(1);
    assert.deepEqual(l.take("a"), { retryAfter: 0, firstRefusal: false });
  });

  it("0 means no limit", () => {
    const { l } = limiter(0);
    for (let i = 0; i < 1000; i++) assert.equal(l.take("a").retryAfter, 0);
  });

  it("past maxAddresses in a minute, lets new addresses through uncounted and keeps limiting the counted ones", () => {
    const { l, advance } = limiter(1, 2);
    l.take("a");
    l.take("b");
    for (let i = 0; i < 5; i++) assert.equal(l.take("c").retryAfter, 0);
    assert.ok(l.take("a").retryAfter > 0);
    advance(MINUTE);
    l.take("c");
    assert.ok(l.take("c").retryAfter > 0, "counted again once the minute's table is empty");
  });
});

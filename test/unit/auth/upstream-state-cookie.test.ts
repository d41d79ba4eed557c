// The upstream state cookie holds the states of the browser's sign-ins in flight (several tabs).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_PENDING, pendingStates, takeState, withState } from "../../../src/auth/upstream/state-cookie.ts";

const st = (c: string) => c.repeat(43);

describe("upstream state cookie", () => {
  it("keeps the newest MAX_PENDING states, newest first, without repeating one", () => {
    let cookie: string | undefined;
    for (const c of ["a", "b", "c", "d"]) cookie = withState(cookie, st(c));
    assert.equal(MAX_PENDING, 3);
    assert.deepEqual(pendingStates(cookie), [st("d"), st("c"), st("b")]);
    assert.deepEqual(pendingStates(withState(cookie, st("c"))), [st("c"), st("d"), st("b")]);
  });

  it("ignores malformed parts of a cookie (tampered, or from an older version)", () => {
    assert.deepEqual(pendingStates(`${st("a")}.not-a-state.${"x".repeat(44)}..${st("b")}`), [st("a"), st("b")]);
    assert.deepEqual(pendingStates(undefined), []);
    assert.deepEqual(pendingStates(st("a")), [st("a")], "a one-state cookie as before");
  });

  it("takes out the state that came back and leaves the others", () => {
    const cookie = [st("c"), st("b"), st("a")].join(".");
    assert.deepEqual(takeState(cookie, st("b")), { state: st("b"), rest: [st("c"), st("a")] });
    assert.deepEqual(takeState(st("a"), st("a")), { state: st("a"), rest: [] });
  });

  it("without a match: the newest state (so the sign-in fails as a mismatch) and nothing removed", () => {
    const cookie = [st("c"), st("b")].join(".");
    assert.deepEqual(takeState(cookie, st("z")), { state: st("c"), rest: [st("c"), st("b")] });
    assert.deepEqual(takeState(cookie, undefined), { state: st("c"), rest: [st("c"), st("b")] });
    assert.deepEqual(takeState(cookie, ["x"]), { state: st("c"), rest: [st("c"), st("b")] });
    assert.deepEqual(takeState(undefined, st("c")), { state: undefined, rest: [] });
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { pooledRandomBytes } from "../../../src/keys/random-pool.ts";

test("pooled random bytes: the size asked for, and never the same bytes twice, across many pool refills", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const b = pooledRandomBytes(16 + (i % 7));
    assert.equal(b.length, 16 + (i % 7));
    const hex = b.toString("hex");
    assert.ok(!seen.has(hex), `draw ${i} repeated an earlier one`);
    seen.add(hex);
  }
  assert.equal(pooledRandomBytes(0).length, 0);
  assert.equal(pooledRandomBytes(4096).length, 4096, "large requests are served too (straight from the CSPRNG)");
});

test("pooled random bytes: a caller owns its bytes; later draws and pool refills do not change them", () => {
  const first = pooledRandomBytes(32);
  const copy = Buffer.from(first);
  for (let i = 0; i < 500; i++) pooledRandomBytes(100); // several refills of the 4 KiB pool
  assert.deepEqual(first, copy);
  assert.ok(!first.equals(Buffer.alloc(32)), "not the wiped (zeroed) pool");
});

test("pooled random bytes: sizes that are not a whole number of bytes are refused", () => {
  for (const bad of [-1, 1.5, Number.NaN]) assert.throws(() => pooledRandomBytes(bad), RangeError);
});

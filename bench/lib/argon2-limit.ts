// The machine's own limit for password logins: argon2id verifications per second with the
// gateway's parameters (src/auth/password.ts), run on every core at once. @node-rs/argon2 runs on
// libuv's thread pool, so `cores` promises in flight keep every core busy.
import os from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { ARGON2_OPTIONS } from "../../src/auth/password.ts";

export interface Argon2Limit {
  cores: number;
  concurrency: number;
  verifies: number;
  seconds: number;
  perSecond: number;
  perSecondPerCore: number;
}

export async function measureArgon2(durationMs = 5000): Promise<Argon2Limit> {
  const cores = os.availableParallelism();
  const concurrency = cores;
  const password = "bench-password-123";
  const stored = await hash(password, ARGON2_OPTIONS);
  await verify(stored, password); // warm up
  let verifies = 0;
  const start = performance.now();
  const stopAt = start + durationMs;
  const worker = async () => {
    while (performance.now() < stopAt) {
      if (!(await verify(stored, password))) throw new Error("argon2 verification failed");
      verifies++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const perSecond = verifies / seconds;
  return { cores, concurrency, verifies, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(perSecond * 10) / 10, perSecondPerCore: Math.round((perSecond / cores) * 10) / 10 };
}

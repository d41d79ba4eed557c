// Argon2id password hashing at OWASP's headline parameters (19 MiB, t=2, p=1).
// Hashing is CPU- and memory-bound and runs on libuv's pool, so a semaphore bounds how many run
// at once: each holds 19 MiB, and unbounded concurrency only adds queueing latency and memory.
import { hash, verify, type Algorithm } from "@node-rs/argon2";

// The package declares Algorithm as an ambient const enum, which isolated modules cannot read at
// runtime; 2 is its Argon2id member (the type keeps the two tied together).
const ARGON2ID = 2 as Algorithm.Argon2id;

export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** a real hash of a random password, verified against when a username does not exist */
  private dummy?: Promise<string>;

  constructor(private readonly concurrency = 4) {}

  async hash(password: string): Promise<string> {
    return this.limited(() => hash(password, ARGON2_OPTIONS));
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    return this.limited(() => verify(passwordHash, password).catch(() => false));
  }

  /** Spend the same time as a real verification, so login timing does not reveal unknown users. */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= hash(`dummy-${Math.random()}`, ARGON2_OPTIONS);
    await this.verify(await this.dummy, password);
    return false;
  }

  /** True when a stored hash was made with other parameters and should be re-hashed on login. */
  needsRehash(passwordHash: string): boolean {
    return !passwordHash.startsWith(`$argon2id$v=19$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$`);
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

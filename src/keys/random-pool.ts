// CSPRNG bytes for per-request secrets (STS credentials, sealing IVs, web session ids, CSRF
// tokens), served from a pool.
// On Node 20 one crypto.randomBytes() call costs several microseconds whatever its size (the
// crypto job machinery and OpenSSL's per-call work), and every STS exchange needs two; one 4 KiB
// fill costs about two calls and serves dozens of exchanges. Node's own randomUUID() keeps such a
// cache. Bytes are copied out and wiped from the pool as they are taken, so no two callers ever
// get the same bytes and a handed-out secret does not linger in the pool. Cluster workers are
// separate processes (fork + exec), each with its own pool.
import { randomBytes, randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
/** requests larger than this go to the CSPRNG directly rather than drain the pool */
const MAX_POOLED = 256;

const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function pooledRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a whole number of bytes, got ${size}`);
  if (size > MAX_POOLED) return randomBytes(size);
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}

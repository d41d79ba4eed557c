// Signing keys for every protocol: one active key signs; next, active and recently retired keys
// are published so verifiers can trust a key before it signs and after it stops (overlap).
// - signers read activeKey() synchronously from memory; the database is read on init, after a
//   local change, and when another instance announces one on NOTIFY idp_keys;
// - states only move next → active → retired, under the advisory lock (store.ts);
// - the private key leaves this module only through activeKey(), and never reaches the disk.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AuditLog } from "../audit/index.ts";
import type { Database } from "../db/index.ts";
import { Unavailable } from "../errors.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { CryptoBox } from "./crypto-box.ts";
import { generateSigningKey, pemToDer, type GeneratedKey, type PublicJwk } from "./generate.ts";
import { decryptPrivateKey, fingerprint, isPublished, toPublicInfo, type KeyListing, type KeyState, type PublicKeyInfo, type SigningKeyMaterial } from "./material.ts";
import { insertKey, liveKeys, NOTIFY_CHANNEL, notifyKeysChanged, withKeyLock, type Tx } from "./store.ts";

export interface KeyServiceOptions {
  prisma: PrismaClient;
  box: CryptoBox;
  audit: AuditLog;
  /** the certificate subject CN is this URL's host */
  baseUrl: string;
  /** how long a retired key stays published */
  retiredTtlSeconds: number;
  /** LISTEN/NOTIFY of the database; without it, changes made by other instances are not seen */
  listen?: Database["listen"];
  /** a background reload failed (the previous keys stay in use) */
  onError?: (err: unknown) => void;
  /** milliseconds since the epoch; tests move time */
  clock?: () => number;
}

export interface RotationResult {
  active: string;
  retired: string[];
  next: string;
}

interface Cache {
  active: SigningKeyMaterial;
  /** active, next, then retired newest first; filtered by the retired TTL at read time */
  keys: PublicKeyInfo[];
}

export class KeyService {
  readonly #opts: KeyServiceOptions;
  readonly #clock: () => number;
  readonly #instance = randomUUID();
  readonly #listeners = new Set<() => void>();
  #cache?: Cache;
  #reloads: Promise<unknown> = Promise.resolve();
  #unlisten?: () => Promise<void>;
  #closed = false;

  constructor(opts: KeyServiceOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? Date.now;
  }

  /** Subscribe to changes, make sure an active and a next key exist, load them. */
  async init(): Promise<void> {
    // Subscribe first: a rotation committed between our load and the LISTEN would go unseen.
    if (this.#opts.listen && !this.#unlisten) {
      this.#unlisten = await this.#opts.listen(NOTIFY_CHANNEL, (payload) => this.#onNotify(payload), () => this.#reloadInBackground());
    }
    await this.#ensureKeys();
    await this.reload();
  }

  /** The key new signatures use. Synchronous and memory-only: safe on every hot path. */
  activeKey(): SigningKeyMaterial {
    if (!this.#cache) throw new Unavailable("signing keys are not loaded yet");
    return this.#cache.active;
  }

  /** Keys verifiers may trust now: next, active, and retired within the TTL. Memory-only. */
  publishedKeys(): PublicKeyInfo[] {
    if (!this.#cache) throw new Unavailable("signing keys are not loaded yet");
    const now = this.#clock();
    return this.#cache.keys.filter((k) => isPublished(k, now, this.#opts.retiredTtlSeconds));
  }

  /** RFC 7517 JWK Set of the published keys (public parameters only). */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.publishedKeys().map((k) => structuredClone(k.publicJwk)) };
  }

  /** Called after every reload that changed the active key or the published set. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * next → active, active → retired, and a fresh next; one transaction, one audit event.
   * Other instances switch when they receive the NOTIFY; until then they sign with the old key,
   * which stays published, so their signatures still verify.
   */
  async rotate(actor: string): Promise<RotationResult> {
    const fresh = await generateSigningKey(this.#opts.baseUrl);
    let result: RotationResult;
    try {
      result = await withKeyLock(this.#opts.prisma, async (tx) => {
        const now = new Date(this.#clock());
        const live = await liveKeys(tx);
        const actives = live.filter((k) => k.state === "active").map((k) => k.kid);
        const nexts = live.filter((k) => k.state === "next").map((k) => k.kid);
        let active = nexts.shift();
        if (active) await tx.signingKey.update({ where: { kid: active }, data: { state: "active", activatedAt: now } });
        else active = await this.#insert(tx, await generateSigningKey(this.#opts.baseUrl), "active", now);
        await tx.signingKey.updateMany({ where: { kid: { in: actives } }, data: { state: "retired", retiredAt: now } });
        const next = nexts[0] ?? (await this.#insert(tx, fresh, "next", now));
        await this.#opts.audit.record({ actor, action: "keys.rotate", target: active, outcome: "success", details: { retired: actives, next } }, tx);
        await notifyKeysChanged(tx, { origin: this.#instance, event: "rotate", active });
        return { active, retired: actives, next };
      });
    } catch (err) {
      await this.#opts.audit.record({ actor, action: "keys.rotate", outcome: "failure", details: { error: String((err as Error).message).slice(0, 500) } }).catch(() => {});
      throw err;
    }
    await this.reload();
    return result;
  }

  /** Delete retired keys whose published period is over; returns their kids. */
  async prune(actor: string): Promise<string[]> {
    const cutoff = new Date(this.#clock() - this.#opts.retiredTtlSeconds * 1000);
    const pruned = await withKeyLock(this.#opts.prisma, async (tx) => {
      const where = { state: "retired", OR: [{ retiredAt: null }, { retiredAt: { lte: cutoff } }] };
      const kids = (await tx.signingKey.findMany({ where, select: { kid: true } })).map((k) => k.kid);
      if (kids.length) await tx.signingKey.deleteMany({ where: { kid: { in: kids } } });
      await this.#opts.audit.record({ actor, action: "keys.prune", outcome: "success", details: { pruned: kids, retiredTtlSeconds: this.#opts.retiredTtlSeconds } }, tx);
      if (kids.length) await notifyKeysChanged(tx, { origin: this.#instance, event: "prune" });
      return kids;
    });
    await this.reload();
    return pruned;
  }

  /** Every stored key, newest first, for the CLI and the admin UI (no private material). */
  async list(): Promise<KeyListing[]> {
    const rows = await this.#opts.prisma.signingKey.findMany({ omit: { privateKeyEnc: true }, orderBy: { createdAt: "desc" } });
    const now = this.#clock();
    return rows.map((row) => ({
      kid: row.kid,
      state: row.state as KeyState,
      alg: row.alg,
      createdAt: row.createdAt,
      activatedAt: row.activatedAt,
      retiredAt: row.retiredAt,
      published: isPublished(row, now, this.#opts.retiredTtlSeconds),
      fingerprintSha256: fingerprint(pemToDer(row.certificatePem)),
    }));
  }

  /** Write each published key's certificate to <dir>/idp-signing-<kid>.pem; public data only. */
  async exportCertificates(dir: string): Promise<string[]> {
    const rows = await this.#opts.prisma.signingKey.findMany({ select: { kid: true, state: true, retiredAt: true, certificatePem: true }, orderBy: { createdAt: "desc" } });
    const now = this.#clock();
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const row of rows.filter((r) => isPublished(r, now, this.#opts.retiredTtlSeconds))) {
      // kids are RFC 7638 thumbprints (base64url); refuse anything that could leave `dir`
      if (!/^[A-Za-z0-9_-]+$/.test(row.kid)) throw new Error(`refusing to export a key with kid ${JSON.stringify(row.kid)}`);
      const file = path.join(dir, `idp-signing-${row.kid}.pem`);
      await writeFile(file, row.certificatePem.endsWith("\n") ? row.certificatePem : `${row.certificatePem}\n`, { mode: 0o644 });
      written.push(file);
    }
    return written;
  }

  /** Re-read keys from the database. Reloads run one after another, so the last one wins. */
  reload(): Promise<void> {
    const run = this.#reloads.then(() => this.#load());
    this.#reloads = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    await unlisten?.();
    await this.#reloads;
  }

  async #load(): Promise<void> {
    const cutoff = new Date(this.#clock() - this.#opts.retiredTtlSeconds * 1000);
    const rows = await this.#opts.prisma.signingKey.findMany({
      where: { OR: [{ state: { in: ["active", "next"] } }, { state: "retired", retiredAt: { gt: cutoff } }] },
    });
    const order = (s: string) => ["active", "next", "retired"].indexOf(s);
    const newest = (d: Date | null) => -(d?.getTime() ?? 0);
    rows.sort((a, b) => order(a.state) - order(b.state) || newest(a.activatedAt) - newest(b.activatedAt) || newest(a.retiredAt) - newest(b.retiredAt));
    const activeRow = rows[0];
    if (!activeRow || activeRow.state !== "active") throw new Unavailable("no active signing key in the database (run init or `idp keys rotate`)");
    const keys = rows.map(({ privateKeyEnc: _, ...row }) => toPublicInfo(row));
    const previous = this.#cache;
    const active = previous?.active.kid === activeRow.kid ? previous.active : decryptPrivateKey(this.#opts.box, activeRow, keys[0]!);
    this.#cache = { active, keys };
    const signature = (c?: Cache) => (c ? `${c.active.kid}|${c.keys.map((k) => `${k.kid}:${k.state}`).join(",")}` : "");
    if (signature(previous) !== signature(this.#cache)) for (const listener of this.#listeners) listener();
  }

  /** First boot: create what is missing. Keys are generated before the lock (RSA takes time). */
  async #ensureKeys(): Promise<void> {
    const missing = (live: { state: string }[]) => ["active", "next"].filter((s) => !live.some((k) => k.state === s));
    const needed = missing(await liveKeys(this.#opts.prisma));
    if (!needed.length) return;
    // RSA key generation runs on libuv's thread pool: the keys are made in parallel
    const spare: GeneratedKey[] = await Promise.all(needed.map(() => generateSigningKey(this.#opts.baseUrl)));
    await withKeyLock(this.#opts.prisma, async (tx) => {
      const live = await liveKeys(tx);
      let active = live.find((k) => k.state === "active")?.kid;
      let next = live.find((k) => k.state === "next")?.kid;
      if (active && next) return; // another instance got here first
      const now = new Date(this.#clock());
      const take = async () => spare.shift() ?? (await generateSigningKey(this.#opts.baseUrl));
      const created: string[] = [];
      if (!active && next) {
        // a next key is already published: promoting it beats activating an unpublished one
        await tx.signingKey.update({ where: { kid: next }, data: { state: "active", activatedAt: now } });
        [active, next] = [next, undefined];
      }
      if (!active) created.push((active = await this.#insert(tx, await take(), "active", now)));
      if (!next) created.push(await this.#insert(tx, await take(), "next", now));
      await this.#opts.audit.record({ actor: "system", action: "keys.generate", target: active, outcome: "success", details: { created } }, tx);
      await notifyKeysChanged(tx, { origin: this.#instance, event: "generate" });
    });
  }

  async #insert(tx: Tx, key: GeneratedKey, state: KeyState, now: Date): Promise<string> {
    await insertKey(tx, this.#opts.box, key, state, now);
    return key.kid;
  }

  #onNotify(payload: string): void {
    let origin: unknown;
    try {
      origin = (JSON.parse(payload) as { origin?: unknown }).origin;
    } catch {
      origin = undefined; // not ours to interpret: reload anyway
    }
    if (origin !== this.#instance) this.#reloadInBackground();
  }

  #reloadInBackground(): void {
    if (this.#closed) return;
    this.reload().catch((err) => (this.#opts.onError ?? reportToStderr)(err));
  }
}

function reportToStderr(err: unknown): void {
  console.error(`signing keys: reload failed, keeping the loaded keys: ${(err as Error).message}`);
}

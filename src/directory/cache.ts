// In-memory directory caches. Every write (here or, via NOTIFY, on another instance) drops all of
// them; a generation counter keeps a load that started before the drop from storing stale data.
import type { DirectorySnapshot, DirectoryUser } from "./types.ts";

/** A Map in recency order: reads move an entry to the end, inserts evict from the front. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

export class DirectoryCache {
  private generation = 0;
  private snapshotLoad?: Promise<DirectorySnapshot>;
  private readonly users: Lru<string, DirectoryUser>;
  /** username → id, bounded like the users themselves */
  private readonly ids: Lru<string, string>;
  private readonly userLoads = new Map<string, Promise<DirectoryUser | undefined>>();

  constructor(userCapacity: number) {
    this.users = new Lru(userCapacity);
    this.ids = new Lru(userCapacity);
  }

  drop(): void {
    this.generation++;
    this.snapshotLoad = undefined;
    this.users.clear();
    this.ids.clear();
    this.userLoads.clear();
  }

  /** One load at a time; concurrent readers share it. A failed load is not kept, so the next read retries. */
  snapshot(load: () => Promise<DirectorySnapshot>): Promise<DirectorySnapshot> {
    if (!this.snapshotLoad) {
      // drop() forgets this promise, so a load that straddles a write is never served afterwards.
      const p = load();
      this.snapshotLoad = p;
      p.catch(() => {
        if (this.snapshotLoad === p) this.snapshotLoad = undefined;
      });
    }
    return this.snapshotLoad;
  }

  /** A user by "id:<id>" or "name:<username>"; loaded users are cached only if no drop happened meanwhile. */
  async user(key: string, load: () => Promise<DirectoryUser | undefined>): Promise<DirectoryUser | undefined> {
    const cached = key.startsWith("id:") ? this.users.get(key.slice(3)) : this.byName(key.slice(5));
    if (cached) return cached;
    const pending = this.userLoads.get(key);
    if (pending) return pending;
    const gen = this.generation;
    const p = load().finally(() => {
      if (this.userLoads.get(key) === p) this.userLoads.delete(key);
    });
    this.userLoads.set(key, p);
    const user = await p;
    if (user && gen === this.generation) {
      this.users.set(user.id, user);
      this.ids.set(user.username, user.id);
    }
    return user;
  }

  private byName(username: string): DirectoryUser | undefined {
    const id = this.ids.get(username);
    return id === undefined ? undefined : this.users.get(id);
  }

  get userCount(): number {
    return this.users.size;
  }
}

// A per-user cache for `idp aws credential-process`, so the AWS CLI/SDK calling it on every
// command does not ask for a new sign-in each time. Like the AWS CLI's own SSO cache, it is a
// plain file readable only by its owner (0600, in a 0700 folder): credentials until 5 minutes
// before they expire, and the refresh token to get new ones without a device prompt.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Credentials } from "./exchange.ts";

/** Credentials this close to expiry are not handed out again (the SDK would refresh at once). */
export const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface CacheEntry {
  credentials?: Credentials;
  refreshToken?: string;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IDP_CACHE_DIR) return env.IDP_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "idp-gateway");
}

export class CredentialCache {
  readonly #file: string;
  constructor(dir: string, key: { issuer: string; clientId: string; roleArn: string; endpoint: string }) {
    const id = createHash("sha256").update(JSON.stringify([key.issuer, key.clientId, key.roleArn, key.endpoint])).digest("hex").slice(0, 32);
    this.#file = path.join(dir, `aws-${id}.json`);
  }

  async read(now = Date.now()): Promise<CacheEntry> {
    let raw: string;
    try {
      raw = await readFile(this.#file, "utf8");
    } catch {
      return {};
    }
    try {
      const parsed = JSON.parse(raw) as { credentials?: Credentials & { expiration: string }; refreshToken?: string };
      const c = parsed.credentials;
      const credentials = c ? { ...c, expiration: new Date(c.expiration) } : undefined;
      const fresh = credentials && credentials.expiration.getTime() - EXPIRY_MARGIN_MS > now;
      return { credentials: fresh ? credentials : undefined, refreshToken: typeof parsed.refreshToken === "string" ? parsed.refreshToken : undefined };
    } catch {
      return {}; // a damaged cache is a cache miss, never a failure
    }
  }

  async write(entry: CacheEntry): Promise<void> {
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
    await rename(tmp, this.#file); // atomic: a concurrent reader sees the old or the new file
  }

  async clear(): Promise<void> {
    await rm(this.#file, { force: true });
  }
}

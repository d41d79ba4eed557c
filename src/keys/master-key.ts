// The master key that CryptoBox encrypts under: IDP_MASTER_KEY when set (required in production),
// otherwise <dataDir>/master.key, created on first boot for the embedded development setup.
// - created with O_EXCL ("wx") and mode 0600, so two processes racing at first boot cannot each
//   write a different key, and the file is never readable by others even for a moment;
// - an existing file readable by group/others is refused, not silently used or "fixed".
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError, type Config } from "../config.ts";

export const MASTER_KEY_FILE = "master.key";
const KEY_BYTES = 32;

export async function loadMasterKey(config: Pick<Config, "masterKey" | "dataDir">): Promise<Buffer> {
  if (config.masterKey) return config.masterKey;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(config.dataDir, MASTER_KEY_FILE);
  return (await createKeyFile(file)) ?? readKeyFile(file);
}

/** Writes a new key file; undefined when one already exists. */
async function createKeyFile(file: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(file, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw new ConfigError("IDP_MASTER_KEY", `cannot create ${file}: ${(err as Error).message}`);
  }
  const key = randomBytes(KEY_BYTES);
  try {
    await handle.writeFile(`${key.toString("base64")}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return key;
}

async function readKeyFile(file: string): Promise<Buffer> {
  // A process that lost the creation race may read before the winner has written: an empty file
  // is retried for a bounded time; any other content is taken as final.
  for (let attempt = 0; ; attempt++) {
    const info = await stat(file);
    if (process.platform !== "win32" && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, "0");
      throw new ConfigError("IDP_MASTER_KEY", `${file} is accessible by group or others (mode ${mode}); run "chmod 600 ${file}" or set IDP_MASTER_KEY`);
    }
    const text = (await readFile(file, "utf8")).trim();
    if (text === "" && attempt < 40) {
      await sleep(25);
      continue;
    }
    const key = Buffer.from(text, "base64");
    if (!/^[A-Za-z0-9+/]{43}=$/.test(text) || key.length !== KEY_BYTES) {
      throw new ConfigError("IDP_MASTER_KEY", `${file} does not hold ${KEY_BYTES} bytes in base64`);
    }
    return key;
  }
}

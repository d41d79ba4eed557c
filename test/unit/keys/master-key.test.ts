import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../../../src/config.ts";
import { loadMasterKey } from "../../../src/keys/index.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "idp-master-key-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("IDP_MASTER_KEY wins and no file is written", async () => {
  await withTempDir(async (dir) => {
    const key = randomBytes(32);
    assert.equal(await loadMasterKey({ masterKey: key, dataDir: dir }), key);
    await assert.rejects(stat(path.join(dir, "master.key")), { code: "ENOENT" });
  });
});

test("first boot creates <dataDir>/master.key with mode 0600; later boots reuse it", { skip: process.platform === "win32" && "POSIX modes" }, async () => {
  await withTempDir(async (dir) => {
    const dataDir = path.join(dir, "data"); // not there yet
    const first = await loadMasterKey({ dataDir });
    assert.equal(first.length, 32);
    const file = path.join(dataDir, "master.key");
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await readFile(file, "utf8")).trim(), first.toString("base64"));
    assert.deepEqual(await loadMasterKey({ dataDir }), first);
  });
});

test("concurrent first-boot loads all get the same key (one creates, the others read)", async () => {
  await withTempDir(async (dir) => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey({ dataDir: dir })));
    for (const k of keys) assert.deepEqual(k, keys[0]);
  });
});

test("a key file readable by group or others is refused with a message naming the file", { skip: process.platform === "win32" && "POSIX modes" }, async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, "master.key");
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`);
    await chmod(file, 0o644);
    await assert.rejects(loadMasterKey({ dataDir: dir }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(err.message.includes(file), err.message);
      assert.match(err.message, /0644/);
      return true;
    });
  });
});

test("a key file that does not hold 32 base64 bytes is refused", async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, "master.key");
    await writeFile(file, "not-a-key\n", { mode: 0o600 });
    await assert.rejects(loadMasterKey({ dataDir: dir }), (err: unknown) => err instanceof ConfigError && err.message.includes(file));
  });
});

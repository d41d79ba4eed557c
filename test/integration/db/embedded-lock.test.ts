// One process at a time on an embedded (PGlite) data directory: PGlite itself would let a second
// process open it and diverge (the server and `idp` on the same ./data).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { EmbeddedDatabaseInUse, openDatabase } from "../../../src/db/index.ts";

describe("embedded database lock", () => {
  let root: string;
  let dir: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "idp-lock-"));
    dir = path.join(root, "pglite");
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it("a second open of a directory in use is refused, naming the directory and the owner", async () => {
    const db = await openDatabase({ kind: "embedded", dir });
    try {
      assert.equal((await readFile(`${dir}.lock`, "utf8")).trim(), String(process.pid));
      await assert.rejects(openDatabase({ kind: "embedded", dir }), (err: unknown) => {
        assert.ok(err instanceof EmbeddedDatabaseInUse);
        assert.equal(err.pid, process.pid);
        assert.match(err.message, new RegExp(`embedded database at ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by process ${process.pid}`));
        assert.ok(!err.message.includes("\n"));
        return true;
      });
      await db.ping(); // the owner is unaffected
    } finally {
      await db.close();
    }
  });

  it("closing releases it", async () => {
    await assert.rejects(readFile(`${dir}.lock`, "utf8"), { code: "ENOENT" });
    const db = await openDatabase({ kind: "embedded", dir });
    await db.close();
  });

  it("a lock left by a process that no longer exists is taken over", async () => {
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    await writeFile(`${dir}.lock`, `${dead.stdout.trim()}\n`);
    const db = await openDatabase({ kind: "embedded", dir });
    assert.equal((await readFile(`${dir}.lock`, "utf8")).trim(), String(process.pid));
    await db.close();
  });

  it("in-memory databases take no lock", async () => {
    const a = await openDatabase({ kind: "embedded", dir: null });
    const b = await openDatabase({ kind: "embedded", dir: null });
    await Promise.all([a.close(), b.close()]);
  });
});

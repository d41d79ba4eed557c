// PGlite opens a data directory without any interlock: a second process (say `idp users create`
// while `npm start` runs on ./data) would get its own diverging copy of the database and corrupt
// it on write. A lock file beside the directory, naming the owner's pid, refuses that with a clear
// message; a lock left by a process that no longer exists is taken over.
import { open, readFile, unlink } from "node:fs/promises";

export class EmbeddedDatabaseInUse extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the embedded database at ${dir} is in use by process ${pid}; stop that process first (several processes need DATABASE_URL)`);
    this.name = "EmbeddedDatabaseInUse";
  }
}

export interface EmbeddedLock {
  release(): Promise<void>;
}

export async function lockEmbedded(dir: string): Promise<EmbeddedLock> {
  const file = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return {
        async release() {
          const owner = await readFile(file, "utf8").catch(() => "");
          if (Number(owner.trim()) === process.pid) await unlink(file).catch(() => {});
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
    }
    const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) throw new EmbeddedDatabaseInUse(dir, owner);
    await unlink(file).catch(() => {}); // stale: its process is gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

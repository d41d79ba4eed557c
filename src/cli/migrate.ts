// `idp migrate` applies pending migration folders under the same advisory lock the server takes at
// boot; `idp migrate status` lists each folder as applied or pending (exit 1 when any is pending,
// as `prisma migrate status` does, so scripts can wait for it).
import { databaseTarget, describeTarget, pendingMigrations, readMigrations } from "../db/index.ts";
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { stdio, withDatabase, type Io } from "./context.ts";

export async function migrateCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const [sub] = expectPositionals(args, [], ["status"]);
  if (sub === "status") return status(io);
  if (sub !== undefined) throw new UsageError(`unknown migrate command ${JSON.stringify(sub)}`);
  return withDatabase(async (db, config) => {
    const { applied, alreadyApplied } = await db.migrate();
    const where = describeTarget(databaseTarget(config));
    for (const name of applied) io.out(`applied  ${name}`);
    io.out(applied.length ? `${applied.length} migration(s) applied to ${where}` : `${where} is up to date (${alreadyApplied} migration(s) applied earlier)`);
    return 0;
  }, io);
}

async function status(io: Io): Promise<number> {
  return withDatabase(async (db, config) => {
    const all = await readMigrations();
    const pending = new Set(await db.withSession((s) => pendingMigrations(s, all)));
    for (const m of all) io.out(`${pending.has(m.name) ? "pending" : "applied"}  ${m.name}`);
    const where = describeTarget(databaseTarget(config));
    io.out(pending.size ? `${pending.size} pending migration(s) on ${where}; run \`idp migrate\`` : `${where} is up to date`);
    return pending.size ? 1 : 0;
  }, io);
}

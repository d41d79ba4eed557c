// `idp seed`: the demo directory (DESIGN.md "Demo data") into an empty database. Never in
// production: demo users with a published password have no place there.
import { expectPositionals, type Parsed } from "./args.ts";
import { cliConfig, CliError, stdio, withServices, type Io } from "./context.ts";

export async function seedCommand(args: Parsed, io: Io = stdio): Promise<number> {
  expectPositionals(args, []);
  if (cliConfig().env === "production") throw new CliError("refusing to seed demo data in production (NODE_ENV=production)");
  const { seedDemoIfEmpty } = await import("../seed/index.ts");
  return withServices(async (services) => {
    const seeded = await seedDemoIfEmpty(services);
    io.out(seeded ? "demo data seeded: users admin, alice, bob" : "the database already holds data; nothing seeded");
    return 0;
  }, io);
}

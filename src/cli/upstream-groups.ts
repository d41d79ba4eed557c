// `idp upstream map-group | unmap-group | groups`: the group mappers of an upstream IdP (its own
// file: upstream.ts holds the IdPs themselves; index.ts routes these three subcommands here).
//   map-group <slug> --claim <claim> --value <value> --group <local group>
//   unmap-group <slug> --claim <claim> --value <value> --group <local group>
//   groups <slug>
import type { Services } from "../services.ts";
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, stdio, withServices, type Io } from "./context.ts";
import { table } from "./table.ts";

export const UPSTREAM_GROUPS_OPTIONS = ["claim", "value", "group"] as const;

export function upstreamGroupsCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const run = mappingCommand(args, io);
  return withServices(run, io);
}

/** Checks the arguments first (a usage error needs no database), then what runs with the services. */
export function mappingCommand(args: Parsed, io: Io): (s: Pick<Services, "upstream">) => Promise<number> {
  const [sub, ...rest] = args.positionals;
  const [slug] = expectPositionals({ ...args, positionals: rest }, ["slug"]);
  if (sub === "groups") {
    if (Object.keys(args.options).length) throw new UsageError("upstream groups takes only <slug>");
    return async ({ upstream }) => {
      const rows = await upstream.groupMappings.list(slug!);
      io.out(rows.length ? table(["CLAIM", "VALUE", "LOCAL GROUP"], rows.map((m) => [m.claim, m.value, m.groupName])) : `${slug} maps no claims to groups`);
      return 0;
    };
  }
  if (sub !== "map-group" && sub !== "unmap-group") throw new UsageError(`unknown upstream command ${JSON.stringify(sub ?? "")}`);
  for (const required of UPSTREAM_GROUPS_OPTIONS) if (args.options[required] === undefined) throw new UsageError(`--${required} is required`);
  const input = { slug: slug!, claim: args.options.claim!, value: args.options.value!, group: args.options.group! };
  return async ({ upstream }) => {
    if (sub === "map-group") {
      const m = await upstream.groupMappings.add(input, CLI_ACTOR);
      io.out(`${slug}: ${m.claim} = ${m.value} → group ${m.groupName} (the upstream now manages this group's membership of its users at each sign-in)`);
    } else {
      await upstream.groupMappings.remove(input, CLI_ACTOR);
      io.out(`${slug}: ${input.claim} = ${input.value} → group ${input.group} removed (memberships stay as they are)`);
    }
    return 0;
  };
}

// `idp upstream …`: the upstream OpenID Connect IdPs people may sign in through.
//   add --slug <s> --name <display name> --issuer <url> --client-id <id>
//       (--client-secret-stdin | --client-secret-file <path>) [--scopes "openid profile email"]
//       [--username-claim <claim>] [--disabled]
//   list | remove <slug> | enable <slug> | disable <slug>
// The client secret never comes from argv (visible in `ps` and shell history).
import { readFile } from "node:fs/promises";
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, CliError, stdio, withServices, type Io } from "./context.ts";
import { readLine } from "./read-password.ts";
import { table } from "./table.ts";

export const UPSTREAM_OPTIONS = ["slug", "name", "issuer", "client-id", "client-secret-file", "scopes", "username-claim"] as const;
export const UPSTREAM_FLAGS = ["client-secret-stdin", "disabled"] as const;

export async function upstreamCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const tail = { ...args, positionals: rest };
  switch (sub) {
    case "add": {
      expectPositionals(tail, []);
      const o = args.options;
      for (const required of ["slug", "name", "issuer", "client-id"]) if (!o[required]) throw new UsageError(`--${required} is required`);
      const clientSecret = await readSecret(o);
      return withServices(async ({ upstream }) => {
        const idp = await upstream.idps.add(
          { slug: o.slug!, displayName: o.name!, issuer: o.issuer!, clientId: o["client-id"]!, clientSecret, scopes: o.scopes?.split(/\s+/).filter(Boolean), usernameClaim: o["username-claim"], enabled: o.disabled !== "true" },
          CLI_ACTOR,
        );
        io.out(`upstream IdP ${idp.slug} (${idp.displayName})${idp.enabled ? "" : ", disabled"}`);
        io.out(`register this redirect URI at ${idp.issuer}: ${upstream.redirectUri(idp.slug)}`);
        return 0;
      }, io);
    }
    case "list":
      expectPositionals(tail, []);
      return withServices(async ({ upstream }) => {
        const rows = await upstream.idps.list();
        if (!rows.length) io.out("no upstream IdPs");
        else io.out(table(["SLUG", "NAME", "ISSUER", "CLIENT ID", "SCOPES", "USERNAME CLAIM", "ENABLED", "LINKS"], rows.map((r) => [r.slug, r.displayName, r.issuer, r.clientId, r.scopes.join(" "), r.usernameClaim, r.enabled ? "yes" : "no", String(r.links)])));
        return 0;
      }, io);
    case "remove":
    case "enable":
    case "disable": {
      const [slug] = expectPositionals(tail, ["slug"]);
      return withServices(async ({ upstream }) => {
        if (sub === "remove") await upstream.idps.remove(slug!, CLI_ACTOR);
        else await upstream.idps.setEnabled(slug!, sub === "enable", CLI_ACTOR);
        io.out(`upstream IdP ${slug} ${sub === "remove" ? "removed (its links too; the local users stay)" : `${sub}d`}`);
        return 0;
      }, io);
    }
    default:
      throw new UsageError(`unknown upstream command ${JSON.stringify(sub ?? "")}`);
  }
}

async function readSecret(o: Record<string, string>): Promise<string> {
  const fromStdin = o["client-secret-stdin"] === "true";
  const file = o["client-secret-file"];
  if (fromStdin === (file !== undefined)) throw new UsageError("give the client secret with exactly one of --client-secret-stdin or --client-secret-file <path>");
  const raw = fromStdin ? await readLine(process.stdin) : await readFile(file!, "utf8").catch((e: Error) => Promise.reject(new CliError(`cannot read ${file}: ${e.message}`)));
  const secret = raw.replace(/\r?\n$/, "");
  if (!secret) throw new CliError("the client secret is empty");
  return secret;
}

// `idp upstream …`: the upstream IdPs (OpenID Connect or SAML 2.0) people may sign in through.
//   add [--protocol oidc] --slug <s> --name <display name> --issuer <url> --client-id <id>
//       (--client-secret-stdin | --client-secret-file <path>) [--scopes "openid profile email"]
//       [--username-claim <claim>] [--disabled]
//   add --protocol saml --slug <s> --name <display name>
//       (--metadata <file> | --entity-id <id> --sso-url <url> --cert <PEM file>)
//       [--username-attribute <attribute Name | NameID>] [--disabled]
//   list | remove <slug> | enable <slug> | disable <slug>
// The client secret never comes from argv (visible in `ps` and shell history).
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, CliError, readTextFile, stdio, withServices, type Io } from "./context.ts";
import { readLine } from "./read-password.ts";
import { table } from "./table.ts";

export const UPSTREAM_OPTIONS = ["protocol", "slug", "name", "issuer", "client-id", "client-secret-file", "scopes", "username-claim", "metadata", "entity-id", "sso-url", "cert", "username-attribute"] as const;
export const UPSTREAM_FLAGS = ["client-secret-stdin", "disabled"] as const;

export async function upstreamCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const tail = { ...args, positionals: rest };
  switch (sub) {
    case "add": {
      expectPositionals(tail, []);
      const o = args.options;
      const protocol = o.protocol ?? "oidc";
      if (protocol === "saml") return addSaml(o, io);
      if (protocol !== "oidc") throw new UsageError("--protocol is oidc or saml");
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
        else
          io.out(
            table(
              ["SLUG", "NAME", "PROTOCOL", "ISSUER / ENTITY ID", "CLIENT ID", "SCOPES", "USERNAME FROM", "ENABLED", "LINKS"],
              rows.map((r) => [r.slug, r.displayName, r.protocol, r.issuer, r.clientId ?? "-", r.scopes.join(" ") || "-", r.usernameClaim, r.enabled ? "yes" : "no", String(r.links)]),
            ),
          );
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

async function addSaml(o: Record<string, string>, io: Io): Promise<number> {
  for (const required of ["slug", "name"]) if (!o[required]) throw new UsageError(`--${required} is required`);
  for (const oidcOnly of ["issuer", "client-id", "client-secret-file", "client-secret-stdin", "scopes", "username-claim"]) {
    if (o[oidcOnly] !== undefined) throw new UsageError(`--${oidcOnly} is for OpenID Connect upstreams`);
  }
  const explicit = o["entity-id"] !== undefined || o["sso-url"] !== undefined || o.cert !== undefined;
  if (o.metadata === undefined && !explicit) {
    throw new UsageError("give the IdP's --metadata <file>, or --entity-id, --sso-url and --cert <PEM file>");
  }
  const metadataXml = o.metadata !== undefined ? await readTextFile(o.metadata) : undefined;
  const certificates = o.cert !== undefined ? (await readTextFile(o.cert)).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [] : undefined;
  if (certificates && certificates.length === 0) throw new CliError(`${o.cert} holds no PEM certificate`);
  return withServices(async ({ upstream }) => {
    const idp = await upstream.idps.add(
      { protocol: "saml", slug: o.slug!, displayName: o.name!, metadataXml, entityId: o["entity-id"], ssoUrl: o["sso-url"], certificates, usernameAttribute: o["username-attribute"], enabled: o.disabled !== "true" },
      CLI_ACTOR,
    );
    const sp = upstream.samlEndpoints(idp.slug);
    io.out(`upstream SAML IdP ${idp.slug} (${idp.displayName})${idp.enabled ? "" : ", disabled"}`);
    io.out(`register this SP at ${idp.issuer}: entity ID and metadata ${sp.entityId}, ACS (HTTP-POST) ${sp.acsUrl}`);
    return 0;
  }, io);
}

async function readSecret(o: Record<string, string>): Promise<string> {
  const fromStdin = o["client-secret-stdin"] === "true";
  const file = o["client-secret-file"];
  if (fromStdin === (file !== undefined)) throw new UsageError("give the client secret with exactly one of --client-secret-stdin or --client-secret-file <path>");
  const raw = fromStdin ? await readLine(process.stdin) : await readTextFile(file!);
  const secret = raw.replace(/\r?\n$/, "");
  if (!secret) throw new CliError("the client secret is empty");
  return secret;
}

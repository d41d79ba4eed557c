// `idp upstream …`: the upstream IdPs (OpenID Connect or SAML 2.0) people may sign in through.
//   add [--protocol oidc] --slug <s> --name <display name> --issuer <url> --client-id <id>
//       (--client-secret-stdin | --client-secret-file <path>) [--scopes "openid profile email"]
//       [--username-claim <claim>] [--disabled]
//   add --protocol saml --slug <s> --name <display name>
//       (--metadata <file> | --entity-id <id> --sso-url <url> --cert <PEM file>)
//       [--username-attribute <attribute Name | NameID>] [--disabled]
//   update <slug> [--name …] [OIDC: --issuer, --client-id, --client-secret-stdin | --client-secret-file,
//       --scopes, --username-claim] [SAML: --metadata, --entity-id, --sso-url, --cert, --username-attribute]
//       [--force]   (in place: the links stay; --force lets the issuer / entity ID change while users are linked)
//   list | remove <slug> | enable <slug> | disable <slug>
// The client secret never comes from argv (visible in `ps` and shell history).
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, CliError, readTextFile, stdio, withServices, type Io } from "./context.ts";
import { readLine } from "./read-password.ts";
import { table } from "./table.ts";

export const UPSTREAM_OPTIONS = ["protocol", "slug", "name", "issuer", "client-id", "client-secret-file", "scopes", "username-claim", "metadata", "entity-id", "sso-url", "cert", "username-attribute"] as const;
export const UPSTREAM_FLAGS = ["client-secret-stdin", "disabled", "force"] as const;

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
    case "update": {
      const [slug] = expectPositionals(tail, ["slug"]);
      return update(slug!, args.options, io);
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
  const { metadataXml, certificates } = await readSamlFiles(o);
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

/** Changes what is given, keeping the rest; the protocol's own options only (the service refuses the other's). */
async function update(slug: string, o: Record<string, string>, io: Io): Promise<number> {
  for (const fixed of ["slug", "protocol", "disabled"]) if (o[fixed] !== undefined) throw new UsageError(fixed === "disabled" ? "use idp upstream enable|disable <slug>" : `the ${fixed} of an upstream IdP cannot change`);
  const clientSecret = o["client-secret-stdin"] !== undefined || o["client-secret-file"] !== undefined ? await readSecret(o) : undefined;
  const { metadataXml, certificates } = await readSamlFiles(o);
  const changes = {
    displayName: o.name, issuer: o.issuer, clientId: o["client-id"], clientSecret, scopes: o.scopes?.split(/\s+/).filter(Boolean), usernameClaim: o["username-claim"],
    metadataXml, entityId: o["entity-id"], ssoUrl: o["sso-url"], certificates, usernameAttribute: o["username-attribute"], force: o.force === "true" ? true : undefined,
  };
  if (Object.values(changes).every((v) => v === undefined)) throw new UsageError("nothing to change: give at least one option");
  return withServices(async ({ upstream }) => {
    const current = await upstream.idps.get(slug);
    const idp = await upstream.idps.update(slug, current.version, changes, CLI_ACTOR);
    io.out(`upstream IdP ${idp.slug} (${idp.displayName}) updated; its ${current.links} link${current.links === 1 ? "" : "s"} kept`);
    return 0;
  }, io);
}

/** --metadata and --cert: files of IdP metadata XML and of PEM certificates (one or more). */
async function readSamlFiles(o: Record<string, string>): Promise<{ metadataXml?: string; certificates?: string[] }> {
  const metadataXml = o.metadata !== undefined ? await readTextFile(o.metadata) : undefined;
  const certificates = o.cert !== undefined ? (await readTextFile(o.cert)).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [] : undefined;
  if (certificates && certificates.length === 0) throw new CliError(`${o.cert} holds no PEM certificate`);
  return { metadataXml, certificates };
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

// `idp saml import-sp <metadata.xml|-> [--name n] [--profile aws|generic] [--encrypt true|false]
//  [--sign assertion|response|both] [--groups g1,g2]`: registers (or updates) a SAML SP from its
// metadata. The metadata is parsed with the IdP's safe parser and validated by the directory.
import { importSpMetadata } from "../saml/index.ts";
import type { ServiceProviderInput, SpProfile, SpSignMode } from "../directory/index.ts";
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, CliError, readTextFile, stdio, withServices, type Io } from "./context.ts";

export const SAML_OPTIONS = ["name", "profile", "encrypt", "sign", "groups"] as const;

export async function samlCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const [sub, ...rest] = args.positionals;
  if (sub !== "import-sp") throw new UsageError(`unknown saml command ${JSON.stringify(sub ?? "")}`);
  const [file] = expectPositionals({ ...args, positionals: rest }, ["metadata file"]);
  const o = args.options;
  if (o.encrypt !== undefined && !["true", "false"].includes(o.encrypt)) throw new UsageError("--encrypt takes true or false");
  const xml = file === "-" ? await readStdin() : await readTextFile(file!);
  return withServices(async ({ directory }) => {
    const snapshot = await directory.snapshot();
    const extra: Partial<ServiceProviderInput> = {};
    if (o.name) extra.name = o.name;
    if (o.profile) extra.profile = o.profile as SpProfile;
    if (o.sign) extra.signMode = o.sign as SpSignMode;
    if (o.encrypt) extra.encryptAssertions = o.encrypt === "true";
    if (o.groups) {
      extra.accessGroupIds = o.groups.split(",").map((g) => {
        const group = snapshot.groupByName.get(g.trim());
        if (!group) throw new CliError(`no group named ${JSON.stringify(g.trim())}`);
        return group.id;
      });
    }
    const sp = await importSpMetadata(directory, xml, extra, CLI_ACTOR);
    io.out(`service provider ${sp.entityId}: ${sp.acsUrls.length} ACS URL(s), ${sp.certificates.length} certificate(s), profile ${sp.profile}, signs ${sp.signMode}${sp.encryptAssertions ? ", encrypted" : ""}`);
    return 0;
  }, io);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

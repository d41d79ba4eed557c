// `idp keys list | rotate | export [dir]`: signing keys. Export writes public certificates only.
import path from "node:path";
import { expectPositionals, type Parsed, UsageError } from "./args.ts";
import { CLI_ACTOR, stdio, withServices, type Io } from "./context.ts";
import { table } from "./table.ts";

export const DEFAULT_CERTS_DIR = "certs";

export async function keysCommand(args: Parsed, io: Io = stdio): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const tail = { ...args, positionals: rest };
  switch (sub) {
    case "list":
      expectPositionals(tail, []);
      return withServices(async ({ keys }) => {
        const rows = await keys.list();
        const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d+Z$/, "Z") : "-");
        io.out(
          table(
            ["KID", "STATE", "ALG", "CREATED", "ACTIVATED", "RETIRED", "PUBLISHED", "SHA-256 FINGERPRINT"],
            rows.map((k) => [k.kid, k.state, k.alg, when(k.createdAt), when(k.activatedAt), when(k.retiredAt), k.published ? "yes" : "no", k.fingerprintSha256]),
          ),
        );
        return 0;
      }, io);
    case "rotate":
      expectPositionals(tail, []);
      return withServices(async ({ keys }) => {
        const r = await keys.rotate(CLI_ACTOR);
        io.out(`active   ${r.active}`);
        for (const kid of r.retired) io.out(`retired  ${kid}`);
        io.out(`next     ${r.next}`);
        return 0;
      }, io);
    case "export": {
      const [dir = DEFAULT_CERTS_DIR] = expectPositionals(tail, [], ["dir"]);
      return withServices(async ({ keys }) => {
        const files = await keys.exportCertificates(path.resolve(dir));
        for (const f of files) io.out(path.relative(process.cwd(), f) || f);
        io.out(`${files.length} certificate(s) written to ${dir}`);
        return 0;
      }, io);
    }
    default:
      throw new UsageError(sub ? `unknown keys command ${JSON.stringify(sub)}` : "missing keys command (list, rotate, export)");
  }
}

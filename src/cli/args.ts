// A small argv parser for `idp`: positionals plus `--name value` / `--name=value` options, each
// command declaring which options it takes. Anything else is a usage error (exit 64).

export class UsageError extends Error {
  override name = "UsageError";
}

export interface Parsed {
  positionals: string[];
  options: Record<string, string>;
}

/** Options that must never be accepted on the command line (visible in `ps` and shell history). */
const SECRET_OPTIONS = new Set(["password", "secret", "master-key"]);

/** `flags` are options without a value (`--no-cache`), read as "true". */
export function parseArgs(argv: readonly string[], allowed: readonly string[] = [], flags: readonly string[] = []): Parsed {
  const positionals: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      if (arg.startsWith("-") && arg.length > 1) throw new UsageError(`unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (SECRET_OPTIONS.has(name)) throw new UsageError(`--${name} is not accepted on the command line; it is read from standard input`);
    if (flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options[name] = "true";
      continue;
    }
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
    options[name] = value;
  }
  return { positionals, options };
}

/** Exactly `names.length` positionals, named for the error message. */
export function expectPositionals(p: Parsed, names: readonly string[], optional: readonly string[] = []): string[] {
  const max = names.length + optional.length;
  if (p.positionals.length < names.length) throw new UsageError(`missing ${names.slice(p.positionals.length).map((n) => `<${n}>`).join(" ")}`);
  if (p.positionals.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(p.positionals[max])}`);
  return p.positionals;
}

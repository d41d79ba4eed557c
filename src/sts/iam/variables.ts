// Policy variables and wildcards in a pattern, turned into tokens.
// - `${key}` is replaced by the request value of `key` (Version 2012-10-17 only; with 2008-10-17
//   "${...}" is literal text) — IAM User Guide, reference_policies_variables.
// - `${key, 'default'}` supplies a default when the key is absent.
// - `${*}`, `${?}`, `${$}` are a literal "*", "?", "$" (special characters).
// - A substituted value is always literal text: a "*" in a user name never acts as a wildcard.
import type { ContextView } from "./context.ts";

export type Token = { kind: "text"; text: string } | { kind: "any" } | { kind: "one" };

/** Thrown when `${key}` has no value and no default: the statement then does not apply. */
export class UnresolvedVariable extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`policy variable \${${key}} has no value in the request`);
    this.name = "UnresolvedVariable";
    this.key = key;
  }
}

export interface TokenizeOptions {
  /** treat "*" and "?" as wildcards (StringLike, ArnLike, Resource, Action) */
  wildcards: boolean;
  /** interpolate `${...}` from this context; undefined = no interpolation (Version 2008-10-17) */
  scope?: ContextView;
}

const ESCAPES: Record<string, string> = { "*": "*", "?": "?", $: "$" };
const VARIABLE = /^\s*([^\s,']+)\s*(?:,\s*'([^']*)'\s*)?$/;

export function tokenize(pattern: string, opts: TokenizeOptions): Token[] {
  const tokens: Token[] = [];
  let text = "";
  const flush = () => {
    if (text) tokens.push({ kind: "text", text });
    text = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (opts.scope && c === "$" && pattern[i + 1] === "{") {
      const end = closingBrace(pattern, i + 2);
      if (end > 0) {
        text += resolve(pattern.slice(i + 2, end), pattern.slice(i, end + 1), opts.scope);
        i = end;
        continue;
      }
    }
    if (opts.wildcards && (c === "*" || c === "?")) {
      flush();
      tokens.push({ kind: c === "*" ? "any" : "one" });
      continue;
    }
    text += c;
  }
  flush();
  return tokens;
}

/** True when the pattern contains a `${` that would be interpolated. */
export function hasVariables(pattern: string): boolean {
  return pattern.includes("${");
}

function resolve(body: string, raw: string, scope: ContextView): string {
  const escaped = ESCAPES[body];
  if (escaped !== undefined) return escaped;
  const m = VARIABLE.exec(body);
  if (!m) return raw; // not variable syntax: keep the text as written
  const value = scope.variable(m[1]!);
  if (value !== undefined) return value;
  if (m[2] !== undefined) return m[2];
  throw new UnresolvedVariable(m[1]!);
}

/** Index of the "}" closing a `${`, skipping a quoted default value; -1 when unterminated. */
function closingBrace(s: string, from: number): number {
  let quoted = false;
  for (let i = from; i < s.length; i++) {
    if (s[i] === "'") quoted = !quoted;
    else if (s[i] === "}" && !quoted) return i;
  }
  return -1;
}

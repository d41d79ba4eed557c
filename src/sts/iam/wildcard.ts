// Glob matching for Action, Resource, StringLike and ARN components: "*" matches any run of
// characters (including none, "/" and ":"), "?" exactly one (IAM User Guide,
// reference_policies_elements_action / _resource / condition_operators "StringLike").
// Not a RegExp: request values (SAML attributes, token claims) are attacker-controlled and
// patterns like "*a*a*a*b" would backtrack exponentially. The two-pointer matcher below is
// O(pattern × value) in the worst case and linear in the usual one.
import { tokenize, type Token, type TokenizeOptions } from "./variables.ts";

export interface GlobOptions {
  ignoreCase?: boolean;
  scope?: TokenizeOptions["scope"];
}

const ANY = 0;
const ONE = 1;
/** ANY, ONE, or a single code point of literal text */
type Item = typeof ANY | typeof ONE | string;

function items(tokens: Token[], ignoreCase: boolean): Item[] {
  return tokens.flatMap((t): Item[] => {
    if (t.kind === "any") return [ANY];
    if (t.kind === "one") return [ONE];
    return Array.from(ignoreCase ? t.text.toLowerCase() : t.text);
  });
}

/** Matches code points; on a mismatch, retries from the last "*" one character further on. */
function matchItems(pattern: Item[], text: string[]): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const item = pattern[p];
    if (item === ONE || (typeof item === "string" && item === text[t])) {
      p++;
      t++;
    } else if (item === ANY) {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === ANY) p++;
  return p === pattern.length;
}

/**
 * Compiles a wildcard pattern once; variables are resolved now (throws UnresolvedVariable,
 * see variables.ts), so the matcher is only valid for the request it was compiled for.
 */
export function compileGlob(pattern: string, opts: GlobOptions = {}): (value: string) => boolean {
  if (pattern === "*") return () => true;
  const ignoreCase = opts.ignoreCase ?? false;
  if (isPlainText(pattern, opts.scope)) {
    if (!ignoreCase) return (value) => value === pattern;
    const lower = pattern.toLowerCase();
    return (value) => value.toLowerCase() === lower;
  }
  const tokens = tokenize(pattern, { wildcards: true, scope: opts.scope });
  if (tokens.every((t) => t.kind === "text")) {
    const text = tokens.map((t) => (t.kind === "text" ? t.text : "")).join("");
    if (!ignoreCase) return (value) => value === text;
    const lower = text.toLowerCase();
    return (value) => value.toLowerCase() === lower;
  }
  const compiled = items(tokens, ignoreCase);
  return (value) => matchItems(compiled, Array.from(ignoreCase ? value.toLowerCase() : value));
}

/**
 * Most patterns (actions like "sts:AssumeRoleWithWebIdentity", exact ARNs) are their own text:
 * no wildcard, and no variable to resolve. Recognising them skips tokenizing per request.
 */
function isPlainText(pattern: string, scope: GlobOptions["scope"]): boolean {
  return !pattern.includes("*") && !pattern.includes("?") && !(scope && pattern.includes("${"));
}

export function globMatch(pattern: string, value: string, opts: GlobOptions = {}): boolean {
  return compileGlob(pattern, opts)(value);
}

/** The pattern with variables substituted and no wildcards (StringEquals bodies). */
export function literal(pattern: string, scope: TokenizeOptions["scope"]): string {
  if (!(scope && pattern.includes("${"))) return pattern;
  return tokenize(pattern, { wildcards: false, scope })
    .map((t) => (t.kind === "text" ? t.text : ""))
    .join("");
}

// Amazon Resource Names: arn:partition:service:region:account-id:resource
// (AWS General Reference, "Amazon Resource Names (ARNs)"; IAM User Guide, reference_identifiers).
// The resource part may itself contain ":" — only the first five colons separate components.
import { InvalidArn } from "./errors.ts";
import { compileGlob, type GlobOptions } from "./wildcard.ts";

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const PARTITION = /^[a-z][a-z0-9-]*$/;
const SERVICE = /^[a-z0-9][a-z0-9.-]*$/;
const ACCOUNT = /^\d{12}$/;
/** role and user names: [\w+=,.@-]{1,64} (IAM API reference, CreateRole RoleName) */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** RoleSessionName: [\w+=,.@-]{2,64} (STS API reference, AssumeRole) */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** IAM paths: "/" or "/…/" of printable ASCII, at most 512 (IAM API reference, Path) */
const PATH = /^\/(?:[\x21-\x7e]+\/)?$/;
const SAML_PROVIDER_NAME = /^[\w.-]{1,128}$/;

/** Splits into the six components, or undefined when there are fewer than six. */
export function splitArn(text: string): [string, string, string, string, string, string] | undefined {
  const parts = text.split(":");
  if (parts.length < 6) return undefined;
  const [arn, partition, service, region, account] = parts as [string, string, string, string, string];
  return [arn, partition, service, region, account, parts.slice(5).join(":")];
}

export function parseArn(text: string): Arn {
  const parts = splitArn(text);
  if (!parts || parts[0] !== "arn") throw new InvalidArn(`${JSON.stringify(text)} is not an ARN`);
  const [, partition, service, region, account, resource] = parts;
  if (!PARTITION.test(partition) || !SERVICE.test(service) || !resource) {
    throw new InvalidArn(`${JSON.stringify(text)} is not an ARN`);
  }
  return { partition, service, region, account, resource };
}

export function isArn(text: string): boolean {
  try {
    parseArn(text);
    return true;
  } catch {
    return false;
  }
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

/** IAM ARNs are global: service "iam" (or "sts"), empty region, a 12-digit account. */
function parseGlobal(text: string, service: "iam" | "sts", what: string): Arn {
  const arn = parseArn(text);
  if (arn.service !== service || arn.region !== "" || !ACCOUNT.test(arn.account)) {
    throw new InvalidArn(`${JSON.stringify(text)} is not ${what}`);
  }
  return arn;
}

export interface RoleArn {
  partition: string;
  account: string;
  /** "/" or "/division/team/" */
  path: string;
  name: string;
}

/** arn:aws:iam::123456789012:role/path/Name */
export function parseRoleArn(text: string): RoleArn {
  const arn = parseGlobal(text, "iam", "a role ARN");
  const m = /^role(\/(?:.*\/)?)([^/]*)$/.exec(arn.resource);
  if (!m || !PATH.test(m[1]!) || m[1]!.length > 512 || !ROLE_NAME.test(m[2]!)) {
    throw new InvalidArn(`${JSON.stringify(text)} is not a role ARN`);
  }
  return { partition: arn.partition, account: arn.account, path: m[1]!, name: m[2]! };
}

export function formatRoleArn(role: { partition?: string; account: string; path?: string; name: string }): string {
  const path = role.path ?? "/";
  return formatArn({ partition: role.partition ?? "aws", service: "iam", region: "", account: role.account, resource: `role${path}${role.name}` });
}

export interface AssumedRoleArn {
  partition: string;
  account: string;
  roleName: string;
  sessionName: string;
}

/** arn:aws:sts::123456789012:assumed-role/RoleName/SessionName (no role path: sts.md §1.3) */
export function parseAssumedRoleArn(text: string): AssumedRoleArn {
  const arn = parseGlobal(text, "sts", "an assumed-role ARN");
  const m = /^assumed-role\/([^/]+)\/([^/]+)$/.exec(arn.resource);
  if (!m || !ROLE_NAME.test(m[1]!) || !SESSION_NAME.test(m[2]!)) {
    throw new InvalidArn(`${JSON.stringify(text)} is not an assumed-role ARN`);
  }
  return { partition: arn.partition, account: arn.account, roleName: m[1]!, sessionName: m[2]! };
}

export function formatAssumedRoleArn(s: { partition?: string; account: string; roleName: string; sessionName: string }): string {
  return formatArn({ partition: s.partition ?? "aws", service: "sts", region: "", account: s.account, resource: `assumed-role/${s.roleName}/${s.sessionName}` });
}

/** arn:aws:iam::123456789012:saml-provider/Name */
export function parseSamlProviderArn(text: string): { partition: string; account: string; name: string } {
  const arn = parseGlobal(text, "iam", "a SAML provider ARN");
  const m = /^saml-provider\/(.+)$/.exec(arn.resource);
  if (!m || !SAML_PROVIDER_NAME.test(m[1]!)) throw new InvalidArn(`${JSON.stringify(text)} is not a SAML provider ARN`);
  return { partition: arn.partition, account: arn.account, name: m[1]! };
}

export function formatSamlProviderArn(p: { partition?: string; account: string; name: string }): string {
  return formatArn({ partition: p.partition ?? "aws", service: "iam", region: "", account: p.account, resource: `saml-provider/${p.name}` });
}

/** arn:aws:iam::123456789012:oidc-provider/host/path — the issuer URL without "https://" */
export function parseOidcProviderArn(text: string): { partition: string; account: string; url: string } {
  const arn = parseGlobal(text, "iam", "an OIDC provider ARN");
  const m = /^oidc-provider\/([^/\s]+(?:\/[^\s]*)?)$/.exec(arn.resource);
  if (!m || m[1]!.endsWith("/")) throw new InvalidArn(`${JSON.stringify(text)} is not an OIDC provider ARN`);
  return { partition: arn.partition, account: arn.account, url: m[1]! };
}

export function formatOidcProviderArn(p: { partition?: string; account: string; url: string }): string {
  const url = p.url.replace(/^https:\/\//, "").replace(/\/+$/, "");
  return formatArn({ partition: p.partition ?? "aws", service: "iam", region: "", account: p.account, resource: `oidc-provider/${url}` });
}

/**
 * ArnLike / ArnEquals: "Each of the six colon-delimited components of the ARN is checked
 * separately and each can include multi-character match wildcards (*) or single-character match
 * wildcards (?)" (IAM User Guide, condition operators "ARN condition operators"). Case-sensitive.
 * A pattern that is not an ARN (typically "*") is matched against the whole value; an "arn:"
 * pattern with fewer than six components matches nothing.
 */
export function compileArnPattern(pattern: string, opts: Pick<GlobOptions, "scope"> = {}): (value: string) => boolean {
  const p = splitPattern(pattern);
  if (p.length < 6) return pattern.startsWith("arn:") ? () => false : compileGlob(pattern, opts);
  const components = p.map((component) => compileGlob(component, opts));
  return (value) => {
    const v = splitArn(value);
    return v !== undefined && components.every((match, i) => match(v[i]!));
  };
}

export function arnLike(pattern: string, value: string, opts: Pick<GlobOptions, "scope"> = {}): boolean {
  return compileArnPattern(pattern, opts)(value);
}

/** Splits a pattern at its first five colons, ignoring colons inside `${…}` variables. */
function splitPattern(pattern: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pattern.length && parts.length < 5; i++) {
    if (pattern.startsWith("${", i)) depth++;
    else if (pattern[i] === "}" && depth > 0) depth--;
    else if (pattern[i] === ":" && depth === 0) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(pattern.slice(start));
  return parts;
}

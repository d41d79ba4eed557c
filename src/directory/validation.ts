// Field validators for directory data. Each returns a message for the form field, or undefined
// when the value is fine; inputs.ts gathers them into one Invalid(message, fields).
// Limits are IAM's and STS's (reference/sts.md §2, IAM API reference for CreateRole/CreateSAMLProvider).

export type Problem = string | undefined;

export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export type Partition = (typeof PARTITIONS)[number];

/** IAM MaxSessionDuration (CreateRole): 1 to 12 hours. */
export const ROLE_MAX_SESSION = { min: 3600, max: 43200 } as const;
/** STS DurationSeconds / SAML SessionDuration: 15 minutes to 12 hours. */
export const SESSION_DURATION = { min: 900, max: 43200 } as const;
/** Session tags per session (id_session-tags): at most 50. */
export const MAX_SESSION_TAGS = 50;
export const MAX_TAG_RULES = MAX_SESSION_TAGS;

// ---------------------------------------------------------------- people and groups

/** Usernames are stored trimmed and lower-cased, so "Alice" and "alice" are one account. */
export function normalizeUsername(v: string): string {
  return v.trim().toLowerCase();
}

// A subset of the RoleSessionName charset, so a username is usually its own session name.
const USERNAME = /^[a-z0-9][a-z0-9._@+-]{0,63}$/;

export function usernameProblem(v: unknown): Problem {
  if (typeof v !== "string" || normalizeUsername(v) === "") return "Enter a username.";
  const n = normalizeUsername(v);
  if (n.length > 64) return "Use at most 64 characters.";
  if (!USERNAME.test(n)) return "Use letters, digits and . _ @ + - only, starting with a letter or digit.";
  return undefined;
}

const GROUP_NAME = /^[\p{L}\p{N}](?:[\p{L}\p{N} ._@+=,:/-]*[\p{L}\p{N}._@+=,:/-])?$/u;

export function groupNameProblem(v: unknown): Problem {
  if (typeof v !== "string" || v.trim() === "") return "Enter a group name.";
  if (v.length > 128) return "Use at most 128 characters.";
  if (!GROUP_NAME.test(v)) return "Use letters, digits, spaces and . _ @ + = , : / - only, starting with a letter or digit, without trailing spaces.";
  return undefined;
}

// Deliberately loose: the address is displayed and put into claims, never used for routing.
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/u;

export function emailProblem(v: unknown): Problem {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "string") return "Enter an email address.";
  const s = v.trim(); // stored trimmed; blank means "no address"
  if (s === "") return undefined;
  if (s.length > 254) return "Use at most 254 characters.";
  if (!EMAIL.test(s)) return "Enter an email address like name@example.com.";
  return undefined;
}

/** Free text shown to people (display names, descriptions): bounded, printable. */
export function textProblem(v: unknown, max: number): Problem {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "string") return "Enter text.";
  if (v.length > max) return `Use at most ${max} characters.`;
  if (/\p{Cc}/u.test(v)) return "Remove control characters (line breaks, tabs).";
  return undefined;
}

const ATTRIBUTE_NAME = /^[A-Za-z_][\w.:-]{0,127}$/;

export function attributeNameProblem(v: unknown): Problem {
  if (typeof v !== "string" || v === "") return "Enter an attribute name.";
  if (v.length > 128) return "Use at most 128 characters.";
  if (!ATTRIBUTE_NAME.test(v)) return "Start with a letter or _, then use letters, digits and _ . : - only.";
  return undefined;
}

/** User attributes: a JSON object of bounded size. Values are not tag-checked here: claims/ drops bad ones. */
export function attributesProblem(v: unknown): Problem {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) return "Attributes must be a JSON object.";
  const keys = Object.keys(v);
  if (keys.length > 64) return "Use at most 64 attributes.";
  const bad = keys.find((k) => attributeNameProblem(k));
  if (bad !== undefined) return `Attribute name "${bad}": ${attributeNameProblem(bad)}`;
  if (JSON.stringify(v).length > 16_384) return "Attributes must be at most 16 KiB of JSON.";
  return undefined;
}

// ---------------------------------------------------------------- ARNs

export interface RoleArnParts {
  partition: Partition;
  accountId: string;
  /** "/" or "/a/b/" (IAM path) */
  path: string;
  name: string;
}

const ARN_HEAD = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH = /^\/(?:[\x21-\x7e]+\/)?$/; // IAM: "/" or "/" + printable ASCII + "/", ≤ 512

export function parseRoleArn(arn: string): RoleArnParts | undefined {
  if (arn.length > 2048) return undefined;
  const head = ARN_HEAD.exec(arn);
  if (!head || !arn.startsWith("role/", head[0].length)) return undefined;
  const resource = arn.slice(head[0].length + "role".length); // "/path/name"
  const cut = resource.lastIndexOf("/");
  const path = resource.slice(0, cut + 1);
  const name = resource.slice(cut + 1);
  if (!ROLE_NAME.test(name) || path.length > 512 || !IAM_PATH.test(path)) return undefined;
  return { partition: head[1] as Partition, accountId: head[2]!, path, name };
}

export function roleArnProblem(v: unknown): Problem {
  if (typeof v !== "string" || v === "") return "Enter the role ARN.";
  if (v.length > 2048) return "A role ARN has at most 2048 characters.";
  if (!parseRoleArn(v)) return "Use arn:aws:iam::<12-digit account>:role/<optional path/>name, the name 1–64 of letters, digits and + = , . @ _ -.";
  return undefined;
}

export interface ProviderArnParts {
  partition: Partition;
  accountId: string;
  name: string;
}

const SAML_PROVIDER_NAME = /^[\w.-]{1,128}$/;

export function parseSamlProviderArn(arn: string): ProviderArnParts | undefined {
  const head = ARN_HEAD.exec(arn);
  if (!head || !arn.startsWith("saml-provider/", head[0].length)) return undefined;
  const name = arn.slice(head[0].length + "saml-provider/".length);
  if (!SAML_PROVIDER_NAME.test(name)) return undefined;
  return { partition: head[1] as Partition, accountId: head[2]!, name };
}

export function samlProviderArnProblem(v: unknown): Problem {
  if (typeof v !== "string" || v === "") return "Enter the SAML provider ARN.";
  if (!parseSamlProviderArn(v)) return "Use arn:aws:iam::<12-digit account>:saml-provider/<name>, the name 1–128 of letters, digits and . _ -.";
  return undefined;
}

// IAM names an OIDC provider by its issuer URL without the scheme: host[:port][/path].
const OIDC_PROVIDER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[\x21-\x7e]*)?$/;

export function parseOidcProviderArn(arn: string): ProviderArnParts | undefined {
  if (arn.length > 2048) return undefined;
  const head = ARN_HEAD.exec(arn);
  if (!head || !arn.startsWith("oidc-provider/", head[0].length)) return undefined;
  const name = arn.slice(head[0].length + "oidc-provider/".length);
  if (!OIDC_PROVIDER_NAME.test(name) || name.endsWith("/")) return undefined;
  return { partition: head[1] as Partition, accountId: head[2]!, name };
}

export function oidcProviderArnProblem(v: unknown): Problem {
  if (typeof v !== "string" || v === "") return "Enter the OIDC provider ARN.";
  if (!parseOidcProviderArn(v)) return "Use arn:aws:iam::<12-digit account>:oidc-provider/<issuer host and path, without https://>.";
  return undefined;
}

// ---------------------------------------------------------------- durations

function durationProblem(v: unknown, range: { min: number; max: number }): Problem {
  if (typeof v !== "number" || !Number.isInteger(v)) return "Enter a whole number of seconds.";
  if (v < range.min || v > range.max) return `Use ${range.min} to ${range.max} seconds.`;
  return undefined;
}

export const maxSessionDurationProblem = (v: unknown): Problem => durationProblem(v, ROLE_MAX_SESSION);

/** A mapping's cap; null or undefined means "the role's maximum". */
export const mappingSessionDurationProblem = (v: unknown): Problem =>
  v === null || v === undefined ? undefined : durationProblem(v, SESSION_DURATION);

export const sessionDurationProblem = (v: unknown): Problem => durationProblem(v, SESSION_DURATION);

// ---------------------------------------------------------------- AWS account names

export function accountIdProblem(v: unknown): Problem {
  return typeof v === "string" && /^\d{12}$/.test(v) ? undefined : "An AWS account ID is 12 digits.";
}

/** IAM's account alias rule (CreateAccountAlias): 3–63 of a-z, 0-9 and -, not at either end, no "--". */
export function accountAliasProblem(v: unknown): Problem {
  if (typeof v !== "string" || !/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(v)) {
    return "Use 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit (AWS's account alias rule).";
  }
  return undefined;
}

// ---------------------------------------------------------------- session tags

// tagKeyType / tagValueType (STS API model). Lengths count UTF-16 units like AWS's validators,
// which is the stricter reading for characters outside the BMP.
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagKeyProblem(v: unknown): Problem {
  if (typeof v !== "string" || v === "") return "Enter a tag key.";
  if (v.length > 128) return "A tag key has at most 128 characters.";
  if (!TAG_CHARS.test(v)) return "Use letters, digits, spaces and _ . : / = + - @ only.";
  if (/^aws:/i.test(v)) return 'Tag keys starting with "aws:" are reserved by AWS.';
  return undefined;
}

export function tagValueProblem(v: unknown): Problem {
  if (typeof v !== "string") return "A tag value is text.";
  if (v.length > 256) return "A tag value has at most 256 characters.";
  if (!TAG_CHARS.test(v)) return "Use letters, digits, spaces and _ . : / = + - @ only.";
  return undefined;
}

// ---------------------------------------------------------------- trust policy

const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"];
/** IAM's role trust policy length quota can be raised to 8192 characters (reference_iam-quotas). */
const MAX_TRUST_POLICY = 8192;

/** Parses a trust policy given as an object or JSON text; only its outline is checked here (sts/ checks the rest). */
export function parseTrustPolicy(v: unknown): { policy?: Record<string, unknown>; problem?: string } {
  let doc = v;
  if (typeof v === "string") {
    try {
      doc = JSON.parse(v);
    } catch {
      return { problem: "The trust policy is not valid JSON." };
    }
  }
  if (!isPlainObject(doc)) return { problem: "The trust policy must be a JSON object." };
  if (JSON.stringify(doc).length > MAX_TRUST_POLICY) return { problem: `The trust policy must be at most ${MAX_TRUST_POLICY} characters.` };
  if (typeof doc.Version !== "string" || !POLICY_VERSIONS.includes(doc.Version)) return { problem: 'Set "Version" to "2012-10-17".' };
  const st = doc.Statement;
  const statements = Array.isArray(st) ? st : [st];
  if (st === undefined || statements.length === 0 || !statements.every(isPlainObject)) {
    return { problem: 'Add a "Statement": an object or a non-empty array of objects.' };
  }
  return { policy: doc };
}

// ---------------------------------------------------------------- apps

export function urlProblem(v: unknown, opts: { httpOnly?: boolean } = {}): Problem {
  if (typeof v !== "string" || v === "") return "Enter a URL.";
  if (v.length > 2048) return "Use at most 2048 characters.";
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return "Enter an absolute URL.";
  }
  if (opts.httpOnly && u.protocol !== "https:" && u.protocol !== "http:") return "Use an http or https URL.";
  if (u.hash) return "Remove the #fragment.";
  return undefined;
}

export function entityIdProblem(v: unknown): Problem {
  if (typeof v !== "string" || v === "") return "Enter the entity ID.";
  if (v.length > 1024) return "Use at most 1024 characters.";
  if (/[\s\p{Cc}]/u.test(v)) return "An entity ID has no spaces.";
  return undefined;
}

const CLIENT_ID = /^[\w.:-]{1,128}$/;

export function clientIdProblem(v: unknown): Problem {
  if (typeof v !== "string" || v === "") return "Enter the client ID.";
  if (!CLIENT_ID.test(v)) return "Use 1–128 letters, digits and _ . : - only.";
  return undefined;
}

export const NAMEID_FORMATS = [
  "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
  "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
] as const;

/** A PEM or bare base64 X.509 certificate; the SAML module parses it for real. */
export function certificateProblem(v: unknown): Problem {
  if (typeof v !== "string") return "Paste a PEM certificate.";
  const body = v.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  if (body === "" || body.length > 16_384 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return "Paste a PEM certificate.";
  return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else can only be "not found" (and must not reach a uuid column). */
export function isId(v: unknown): v is string {
  return typeof v === "string" && UUID.test(v);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

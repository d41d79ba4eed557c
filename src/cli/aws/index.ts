// `idp aws login` and `idp aws credential-process`: a person at a terminal gets temporary AWS
// credentials from the gateway — device sign-in (RFC 8628) for an ID token with the `aws` scope,
// then AssumeRoleWithWebIdentity at the gateway's STS (or real AWS STS with --sts-endpoint).
import type { Parsed } from "../args.ts";
import { UsageError } from "../args.ts";
import { CliError, type Io } from "../context.ts";
import { CredentialCache, cacheDir } from "./cache.ts";
import { deviceLogin, refreshLogin, type DeviceLoginResult } from "./device-login.ts";
import { assumeRoleWithWebIdentity, sessionNameFrom, type Credentials } from "./exchange.ts";
import { OUTPUT_FORMATS, formatCredentials, type OutputFormat } from "./format.ts";

export const AWS_OPTIONS = ["issuer", "client-id", "role-arn", "duration", "session-name", "sts-endpoint", "region", "format", "profile"] as const;
export const AWS_FLAGS = ["no-cache"] as const;

/** The roles claim the gateway puts in ID tokens for the `aws` scope. */
const ROLES_CLAIM = "roles";

interface AwsArgs {
  issuer: URL;
  clientId: string;
  roleArn?: string;
  durationSeconds?: number;
  sessionName?: string;
  stsEndpoint: string;
  region: string;
  format: OutputFormat;
  profile: string;
  useCache: boolean;
}

export async function awsCommand(args: Parsed, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...extra] = args.positionals;
  if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (sub !== "login" && sub !== "credential-process") throw new UsageError("usage: idp aws login|credential-process [options]");
  const a = readArgs(args.options, env, sub === "credential-process" ? "json" : "env");
  const cache = a.roleArn && a.useCache ? new CredentialCache(cacheDir(env), { issuer: a.issuer.href, clientId: a.clientId, roleArn: a.roleArn, endpoint: a.stsEndpoint }) : undefined;

  const cached = (await cache?.read()) ?? {};
  if (cached.credentials && sub === "credential-process") {
    io.out(formatCredentials(cached.credentials, a.format, a.profile));
    return 0;
  }
  const login = await signIn(a, cached.refreshToken, io);
  const roleArn = a.roleArn ?? chooseRole(login.claims as Record<string, unknown>);
  const credentials: Credentials = await assumeRoleWithWebIdentity({
    endpoint: a.stsEndpoint,
    region: a.region,
    roleArn,
    roleSessionName: a.sessionName ?? sessionNameFrom(login.claims as Record<string, unknown>),
    webIdentityToken: login.idToken,
    durationSeconds: a.durationSeconds,
  });
  await cache?.write({ credentials, refreshToken: login.refreshToken });
  io.out(formatCredentials(credentials, a.format, a.profile));
  return 0;
}

async function signIn(a: AwsArgs, refreshToken: string | undefined, io: Io): Promise<DeviceLoginResult> {
  if (refreshToken) {
    try {
      return await refreshLogin(a.issuer, a.clientId, refreshToken);
    } catch {
      io.err("the saved sign-in has expired; signing in again");
    }
  }
  return deviceLogin({ issuer: a.issuer, clientId: a.clientId, scope: "openid profile email aws offline_access", prompt: io.err });
}

/** Without --role-arn, the one role the token offers; several roles need a choice. */
function chooseRole(claims: Record<string, unknown>): string {
  const roles = Array.isArray(claims[ROLES_CLAIM]) ? (claims[ROLES_CLAIM] as unknown[]).filter((r): r is string => typeof r === "string") : [];
  if (roles.length === 1) return roles[0]!;
  if (roles.length === 0) throw new CliError("your account has no AWS roles for this client; ask an administrator to map one of your groups to a role");
  throw new CliError(`you have several roles; choose one with --role-arn: ${roles.join(", ")}`, 64);
}

function readArgs(o: Record<string, string>, env: NodeJS.ProcessEnv, defaultFormat: OutputFormat): AwsArgs {
  const issuer = parseUrl("--issuer", o.issuer ?? env.IDP_ISSUER ?? env.IDP_BASE_URL ?? "http://localhost:4000");
  const format = (o.format ?? defaultFormat) as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(", ")}`);
  let durationSeconds: number | undefined;
  if (o.duration !== undefined) {
    durationSeconds = Number(o.duration);
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) throw new UsageError("--duration must be whole seconds between 900 and 43200");
  }
  const stsEndpoint = parseUrl("--sts-endpoint", o["sts-endpoint"] ?? new URL("sts", withSlash(issuer)).href).href;
  return {
    issuer,
    clientId: o["client-id"] ?? "idp-cli",
    roleArn: o["role-arn"],
    durationSeconds,
    sessionName: o["session-name"],
    stsEndpoint,
    region: o.region ?? env.AWS_REGION ?? "us-east-1",
    format,
    profile: o.profile ?? "default",
    useCache: o["no-cache"] !== "true",
  };
}

function withSlash(u: URL): URL {
  return new URL(u.href.endsWith("/") ? u.href : `${u.href}/`);
}

function parseUrl(flag: string, value: string): URL {
  try {
    const u = new URL(value);
    if (u.protocol === "http:" || u.protocol === "https:") return u;
  } catch {
    /* reported below */
  }
  throw new UsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
}

// Environment → typed, validated configuration. Every setting is read here and nowhere else.
// A bad value stops boot with one line naming the variable (ConfigError); production mode refuses
// unsafe defaults (demo data, default passwords, missing secrets, plain-HTTP base URL).
import os from "node:os";
import path from "node:path";
import { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`configuration error: ${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

const DEMO_PASSWORD_DEFAULT = "demo-password";

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["true", "false", "1", "0", "yes", "no"].includes(v), "must be true or false")
  .transform((v) => ["true", "1", "yes"].includes(v));

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

/** "auto" = one per core the process may use (os.availableParallelism(), which honours CPU affinity). */
const workers = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v === "auto" || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 256), "must be a whole number between 1 and 256, or auto")
  .transform((v) => ({ count: v === "auto" ? os.availableParallelism() : Number(v), auto: v === "auto" }));

const url = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, "must be an absolute http(s) URL without query or fragment")
  .transform((v) => v.replace(/\/+$/, ""));

const masterKey = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, "base64").length === 32, "must be 32 random bytes in base64 (openssl rand -base64 32)")
  .transform((v) => Buffer.from(v, "base64"));

/** Each entry: variable → [schema, default (as an environment string) or undefined]. */
const SPEC = {
  NODE_ENV: [z.enum(["development", "production", "test"]), "development"],
  PORT: [int(1, 65535), "4000"],
  HOST: [z.string().trim().min(1), "0.0.0.0"],
  IDP_BASE_URL: [url, undefined],
  DATABASE_URL: [z.string().trim().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"), undefined],
  IDP_DATA_DIR: [z.string().trim().min(1), "./data"],
  IDP_DB_CONNECT_ATTEMPTS: [int(1, 100), "6"],
  IDP_DB_POOL_SIZE: [int(1, 1000), "10"],
  IDP_SEED_DEMO: [bool, undefined],
  IDP_DEMO_PASSWORD: [z.string().min(8, "must be at least 8 characters"), DEMO_PASSWORD_DEFAULT],
  IDP_MASTER_KEY: [masterKey, undefined],
  LOG_LEVEL: [z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), "info"],
  IDP_TRUST_PROXY: [z.string().trim(), "false"],
  IDP_SESSION_TTL: [int(300, 30 * 86400), String(12 * 3600)],
  IDP_SESSION_IDLE_TIMEOUT: [int(60, 30 * 86400), String(3600)],
  IDP_LOCKOUT_THRESHOLD: [int(1, 1000), "5"],
  IDP_LOCKOUT_SECONDS: [int(1, 86400), "900"],
  IDP_IP_FAILURE_LIMIT: [int(1, 100000), "50"],
  IDP_IP_WINDOW_SECONDS: [int(1, 86400), "900"],
  IDP_UPSTREAM_START_LIMIT: [int(0, 1000000), "300"],
  IDP_LOGIN_CONCURRENCY: [int(1, 256), "4"],
  IDP_KEY_RETIRED_TTL: [int(0, 365 * 86400), String(7 * 86400)],
  IDP_TOTP_ISSUER: [z.string().trim().min(1).max(64), "idp-gateway"],
  IDP_SHUTDOWN_TIMEOUT: [int(1, 600), "10"],
  IDP_ADMIN_GROUP: [z.string().trim().min(1).max(128), "admins"],
  IDP_AUDITOR_GROUP: [z.string().trim().min(1).max(128), "auditors"],
  IDP_ADMIN_REQUIRE_MFA: [bool, "false"],
  IDP_STS_BACKEND: [z.enum(["local", "aws"]), "local"],
  IDP_STS_AWS_ENDPOINT: [url, undefined],
  IDP_STS_AWS_REGION: [z.string().trim().regex(/^[a-z0-9-]{1,64}$/, "must be an AWS region name"), "us-east-1"],
  IDP_STS_SAML_REPLAY: [bool, "true"],
  IDP_STS_JWKS_TIMEOUT_MS: [int(100, 60000), "5000"],
  IDP_STS_DISABLED_REGIONS: [z.string().trim().regex(/^([a-z0-9-]+(,[a-z0-9-]+)*)?$/, "must be a comma-separated list of region names"), ""],
  IDP_STS_MAX_INFLIGHT: [int(1, 100000), "1024"],
  IDP_WORKERS: [workers, "1"],
} as const;

/** Never echoed in error messages: a near-miss master key or a URL with a password would end up in logs. */
const SECRET_VARIABLES = new Set<string>(["IDP_MASTER_KEY", "DATABASE_URL", "IDP_DEMO_PASSWORD"]);

type Spec = typeof SPEC;
type Raw = { [K in keyof Spec]: z.output<Spec[K][0]> | undefined };

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  baseUrl: string;
  /** PostgreSQL server URL; undefined means the embedded PGlite database in dataDir */
  databaseUrl?: string;
  dataDir: string;
  /** boot-time connection attempts (exponential backoff from 0.5 s) before giving up */
  dbConnectAttempts: number;
  /** PostgreSQL connections per process (one pool shared by Prisma and the hot paths) */
  dbPoolSize: number;
  seedDemo: boolean;
  demoPassword: string;
  /** 32-byte key for AES-256-GCM encryption at rest; undefined means "generate/read dataDir/master.key" */
  masterKey?: Buffer;
  logLevel: string;
  trustProxy: boolean | number | string;
  cookieSecure: boolean;
  session: { ttlSeconds: number; idleSeconds: number };
  lockout: {
    threshold: number;
    seconds: number;
    ipFailureLimit: number;
    ipWindowSeconds: number;
    /** upstream sign-ins a client address may start per minute, per process (0: no limit) */
    upstreamStartsPerMinute: number;
  };
  loginConcurrency: number;
  keys: { retiredTtlSeconds: number };
  totpIssuer: string;
  shutdownTimeoutSeconds: number;
  /** HTTP worker processes (node:cluster) sharing the port; 1 = this process serves, no cluster */
  workers: number;
  /** /admin: members of `group` may read and write, of `auditorGroup` only read; `requireMfa` wants an MFA session */
  admin: { group: string; auditorGroup: string; requireMfa: boolean };
  sts: {
    /** "local": this process is the STS; "aws": federation exchanges go to AWS STS (or awsEndpoint) */
    backend: "local" | "aws";
    awsEndpoint?: string;
    awsRegion: string;
    /** one-time use of SAML assertion IDs */
    samlReplayProtection: boolean;
    jwksTimeoutMs: number;
    /** regions whose signed requests get RegionDisabledException (STS not activated there) */
    disabledRegions: string[];
    /** STS requests in progress per instance before new ones get Throttling */
    maxInflight: number;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = {} as Record<string, unknown>;
  for (const [name, [schema, fallback]] of Object.entries(SPEC) as [keyof Spec, Spec[keyof Spec]][]) {
    const given = env[name];
    const value = given === undefined || given === "" ? fallback : given;
    if (value === undefined) {
      raw[name] = undefined;
      continue;
    }
    const parsed = (schema as z.ZodType).safeParse(value);
    if (!parsed.success) {
      const got = SECRET_VARIABLES.has(name) ? "value not shown" : `got ${JSON.stringify(given)}`;
      throw new ConfigError(name, `${parsed.error.issues[0]?.message ?? "invalid value"} (${got})`);
    }
    raw[name] = parsed.data;
  }
  return finish(raw as Raw);
}

function finish(r: Raw): Config {
  const env = r.NODE_ENV!;
  const production = env === "production";
  const port = r.PORT!;
  const baseUrl = r.IDP_BASE_URL ?? `http://localhost:${port}`;
  const seedDemo = r.IDP_SEED_DEMO ?? !production;

  if (production) {
    if (!r.IDP_BASE_URL) throw new ConfigError("IDP_BASE_URL", "is required in production");
    if (!baseUrl.startsWith("https://")) throw new ConfigError("IDP_BASE_URL", "must be https:// in production (cookies are Secure)");
    if (seedDemo) throw new ConfigError("IDP_SEED_DEMO", "demo data is refused in production; set IDP_SEED_DEMO=false");
    if (!r.IDP_MASTER_KEY) throw new ConfigError("IDP_MASTER_KEY", "is required in production (openssl rand -base64 32); keys and secrets are encrypted under it");
    if (!r.DATABASE_URL) throw new ConfigError("DATABASE_URL", "is required in production (the embedded database is for development)");
  }
  const workers = r.IDP_WORKERS!;
  if (workers.count > 1 && !r.DATABASE_URL) {
    // PGlite lives inside one process and holds its data directory alone
    const what = workers.auto ? `auto (${workers.count} worker processes on this machine)` : `${workers.count} worker processes`;
    throw new ConfigError("IDP_WORKERS", `${what} need PostgreSQL (DATABASE_URL); the embedded database serves one process only (set IDP_WORKERS=1)`);
  }

  return {
    env,
    port,
    host: r.HOST!,
    baseUrl,
    databaseUrl: r.DATABASE_URL,
    dataDir: path.resolve(r.IDP_DATA_DIR!),
    dbConnectAttempts: r.IDP_DB_CONNECT_ATTEMPTS!,
    dbPoolSize: r.IDP_DB_POOL_SIZE!,
    seedDemo,
    demoPassword: r.IDP_DEMO_PASSWORD!,
    masterKey: r.IDP_MASTER_KEY,
    logLevel: r.LOG_LEVEL!,
    trustProxy: parseTrustProxy(r.IDP_TRUST_PROXY!),
    cookieSecure: baseUrl.startsWith("https://"),
    session: { ttlSeconds: r.IDP_SESSION_TTL!, idleSeconds: r.IDP_SESSION_IDLE_TIMEOUT! },
    lockout: {
      threshold: r.IDP_LOCKOUT_THRESHOLD!,
      seconds: r.IDP_LOCKOUT_SECONDS!,
      ipFailureLimit: r.IDP_IP_FAILURE_LIMIT!,
      ipWindowSeconds: r.IDP_IP_WINDOW_SECONDS!,
      upstreamStartsPerMinute: r.IDP_UPSTREAM_START_LIMIT!,
    },
    loginConcurrency: r.IDP_LOGIN_CONCURRENCY!,
    keys: { retiredTtlSeconds: r.IDP_KEY_RETIRED_TTL! },
    totpIssuer: r.IDP_TOTP_ISSUER!,
    shutdownTimeoutSeconds: r.IDP_SHUTDOWN_TIMEOUT!,
    workers: workers.count,
    admin: { group: r.IDP_ADMIN_GROUP!, auditorGroup: r.IDP_AUDITOR_GROUP!, requireMfa: r.IDP_ADMIN_REQUIRE_MFA! },
    sts: {
      backend: r.IDP_STS_BACKEND!,
      awsEndpoint: r.IDP_STS_AWS_ENDPOINT,
      awsRegion: r.IDP_STS_AWS_REGION!,
      samlReplayProtection: r.IDP_STS_SAML_REPLAY!,
      jwksTimeoutMs: r.IDP_STS_JWKS_TIMEOUT_MS!,
      disabledRegions: r.IDP_STS_DISABLED_REGIONS ? r.IDP_STS_DISABLED_REGIONS.split(",") : [],
      maxInflight: r.IDP_STS_MAX_INFLIGHT!,
    },
  };
}

/** Express "trust proxy": false, true, a hop count, or a comma list of subnets. */
function parseTrustProxy(v: string): boolean | number | string {
  if (v === "false" || v === "") return false;
  if (v === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** The variables, for the README table and `idp config` help; kept beside the parser. */
export const CONFIG_VARIABLES = Object.keys(SPEC);

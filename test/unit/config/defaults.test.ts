// Every variable's default, and the values each accepts (config.ts SPEC).
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { CONFIG_VARIABLES, loadConfig } from "../../../src/config.ts";

const KEY = Buffer.alloc(32, 7).toString("base64");

describe("config defaults", () => {
  it("an empty environment gives the documented development defaults", () => {
    const c = loadConfig({});
    assert.equal(c.env, "development");
    assert.equal(c.port, 4000);
    assert.equal(c.host, "0.0.0.0");
    assert.equal(c.baseUrl, "http://localhost:4000");
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.dataDir, path.resolve("./data"));
    assert.equal(c.dbConnectAttempts, 6);
    assert.equal(c.dbPoolSize, 10);
    assert.equal(c.seedDemo, true);
    assert.equal(c.demoPassword, "demo-password");
    assert.equal(c.masterKey, undefined);
    assert.equal(c.logLevel, "info");
    assert.equal(c.trustProxy, false);
    assert.equal(c.cookieSecure, false);
    assert.deepEqual(c.session, { ttlSeconds: 12 * 3600, idleSeconds: 3600 });
    assert.deepEqual(c.lockout, { threshold: 5, seconds: 900, ipFailureLimit: 50, ipWindowSeconds: 900, upstreamStartsPerMinute: 300 });
    assert.equal(c.loginConcurrency, 4);
    assert.deepEqual(c.keys, { retiredTtlSeconds: 7 * 86400 });
    assert.equal(c.totpIssuer, "idp-gateway");
    assert.equal(c.shutdownTimeoutSeconds, 10);
    assert.equal(c.workers, 1, "one process, no cluster");
    assert.deepEqual(c.sts, { backend: "local", awsEndpoint: undefined, awsRegion: "us-east-1", samlReplayProtection: true, jwksTimeoutMs: 5000, disabledRegions: [], maxInflight: 1024 });
  });

  it("an empty string means the default", () => {
    assert.equal(loadConfig({ PORT: "", LOG_LEVEL: "" }).port, 4000);
    assert.equal(loadConfig({ LOG_LEVEL: "" }).logLevel, "info");
  });

  it("the default base URL follows PORT", () => {
    assert.equal(loadConfig({ PORT: "8080" }).baseUrl, "http://localhost:8080");
  });

  it("reads every variable", () => {
    const c = loadConfig({
      NODE_ENV: "test",
      PORT: "4100",
      HOST: "127.0.0.1",
      IDP_BASE_URL: "https://idp.example.com/",
      DATABASE_URL: "postgres://u:p@db:5432/idp",
      IDP_DATA_DIR: "/tmp/idp-data",
      IDP_DB_CONNECT_ATTEMPTS: "2",
      IDP_DB_POOL_SIZE: "25",
      IDP_SEED_DEMO: "no",
      IDP_DEMO_PASSWORD: "another-demo-pw",
      IDP_MASTER_KEY: KEY,
      LOG_LEVEL: "debug",
      IDP_TRUST_PROXY: "10.0.0.0/8, 192.168.0.0/16",
      IDP_SESSION_TTL: "7200",
      IDP_SESSION_IDLE_TIMEOUT: "600",
      IDP_LOCKOUT_THRESHOLD: "3",
      IDP_LOCKOUT_SECONDS: "60",
      IDP_IP_FAILURE_LIMIT: "500",
      IDP_IP_WINDOW_SECONDS: "120",
      IDP_UPSTREAM_START_LIMIT: "0",
      IDP_LOGIN_CONCURRENCY: "8",
      IDP_KEY_RETIRED_TTL: "0",
      IDP_TOTP_ISSUER: "Example Corp",
      IDP_SHUTDOWN_TIMEOUT: "30",
      IDP_ADMIN_GROUP: "idp-admins",
      IDP_AUDITOR_GROUP: "idp-auditors",
      IDP_ADMIN_REQUIRE_MFA: "yes",
      IDP_STS_BACKEND: "aws",
      IDP_STS_AWS_ENDPOINT: "http://127.0.0.1:4001/sts/",
      IDP_STS_AWS_REGION: "eu-west-1",
      IDP_STS_SAML_REPLAY: "false",
      IDP_STS_JWKS_TIMEOUT_MS: "250",
      IDP_STS_DISABLED_REGIONS: "ap-east-1,me-south-1",
      IDP_STS_MAX_INFLIGHT: "10",
      IDP_WORKERS: "3",
    });
    assert.equal(c.env, "test");
    assert.equal(c.port, 4100);
    assert.equal(c.host, "127.0.0.1");
    assert.equal(c.baseUrl, "https://idp.example.com", "trailing slash removed");
    assert.equal(c.cookieSecure, true, "https base URL → Secure cookies");
    assert.equal(c.databaseUrl, "postgres://u:p@db:5432/idp");
    assert.equal(c.dataDir, "/tmp/idp-data");
    assert.equal(c.dbConnectAttempts, 2);
    assert.equal(c.dbPoolSize, 25);
    assert.equal(c.seedDemo, false);
    assert.equal(c.demoPassword, "another-demo-pw");
    assert.deepEqual(c.masterKey, Buffer.alloc(32, 7));
    assert.equal(c.logLevel, "debug");
    assert.equal(c.trustProxy, "10.0.0.0/8, 192.168.0.0/16");
    assert.deepEqual(c.session, { ttlSeconds: 7200, idleSeconds: 600 });
    assert.deepEqual(c.lockout, { threshold: 3, seconds: 60, ipFailureLimit: 500, ipWindowSeconds: 120, upstreamStartsPerMinute: 0 });
    assert.equal(c.loginConcurrency, 8);
    assert.deepEqual(c.keys, { retiredTtlSeconds: 0 });
    assert.equal(c.totpIssuer, "Example Corp");
    assert.equal(c.shutdownTimeoutSeconds, 30);
    assert.equal(c.workers, 3);
    assert.deepEqual(c.admin, { group: "idp-admins", auditorGroup: "idp-auditors", requireMfa: true });
    assert.deepEqual(c.sts, {
      backend: "aws",
      awsEndpoint: "http://127.0.0.1:4001/sts",
      awsRegion: "eu-west-1",
      samlReplayProtection: false,
      jwksTimeoutMs: 250,
      disabledRegions: ["ap-east-1", "me-south-1"],
      maxInflight: 10,
    });
  });

  it("the test above names every variable config.ts knows", () => {
    // keep this list in step with SPEC: a new variable needs a default test and a bad-value test
    assert.deepEqual([...CONFIG_VARIABLES].sort(), [
      "DATABASE_URL", "HOST", "IDP_BASE_URL", "IDP_DATA_DIR", "IDP_DB_CONNECT_ATTEMPTS", "IDP_DB_POOL_SIZE", "IDP_DEMO_PASSWORD",
      "IDP_IP_FAILURE_LIMIT", "IDP_IP_WINDOW_SECONDS", "IDP_KEY_RETIRED_TTL", "IDP_LOCKOUT_SECONDS",
      "IDP_LOCKOUT_THRESHOLD", "IDP_LOGIN_CONCURRENCY", "IDP_MASTER_KEY", "IDP_SEED_DEMO", "IDP_SESSION_IDLE_TIMEOUT",
      "IDP_SESSION_TTL", "IDP_SHUTDOWN_TIMEOUT", "IDP_STS_AWS_ENDPOINT", "IDP_STS_AWS_REGION", "IDP_STS_BACKEND",
      "IDP_STS_DISABLED_REGIONS", "IDP_STS_JWKS_TIMEOUT_MS", "IDP_STS_MAX_INFLIGHT", "IDP_STS_SAML_REPLAY", "IDP_TOTP_ISSUER", "IDP_TRUST_PROXY", "IDP_UPSTREAM_START_LIMIT", "IDP_WORKERS", "LOG_LEVEL", "NODE_ENV", "PORT",
      "IDP_ADMIN_GROUP", "IDP_AUDITOR_GROUP", "IDP_ADMIN_REQUIRE_MFA",
    ].sort());
  });

  it("booleans accept true/false, 1/0, yes/no in any case", () => {
    for (const v of ["true", "TRUE", "1", "yes", " Yes "]) assert.equal(loadConfig({ IDP_SEED_DEMO: v }).seedDemo, true, v);
    for (const v of ["false", "False", "0", "no"]) assert.equal(loadConfig({ IDP_SEED_DEMO: v }).seedDemo, false, v);
  });

  it("IDP_TRUST_PROXY: false, true, a hop count, or a subnet list", () => {
    assert.equal(loadConfig({ IDP_TRUST_PROXY: "false" }).trustProxy, false);
    assert.equal(loadConfig({ IDP_TRUST_PROXY: "true" }).trustProxy, true);
    assert.equal(loadConfig({ IDP_TRUST_PROXY: "2" }).trustProxy, 2);
    assert.equal(loadConfig({ IDP_TRUST_PROXY: "loopback" }).trustProxy, "loopback");
  });

  it("postgres:// and postgresql:// database URLs are both accepted", () => {
    assert.equal(loadConfig({ DATABASE_URL: "postgresql://localhost/idp" }).databaseUrl, "postgresql://localhost/idp");
    assert.equal(loadConfig({ DATABASE_URL: "postgres://localhost/idp" }).databaseUrl, "postgres://localhost/idp");
  });

  it("IDP_WORKERS: a count, or auto = one per available core; more than one needs PostgreSQL", () => {
    const pg = { DATABASE_URL: "postgresql://localhost/idp" };
    assert.equal(loadConfig({ ...pg, IDP_WORKERS: "auto" }).workers, os.availableParallelism());
    assert.equal(loadConfig({ ...pg, IDP_WORKERS: " AUTO " }).workers, os.availableParallelism());
    assert.equal(loadConfig({ ...pg, IDP_WORKERS: "256" }).workers, 256);
    assert.equal(loadConfig({ IDP_WORKERS: "1" }).workers, 1, "one process is fine on the embedded database");
  });

  it("integer bounds are inclusive", () => {
    assert.equal(loadConfig({ PORT: "1" }).port, 1);
    assert.equal(loadConfig({ PORT: "65535" }).port, 65535);
    assert.equal(loadConfig({ IDP_DB_CONNECT_ATTEMPTS: "1" }).dbConnectAttempts, 1);
    assert.equal(loadConfig({ IDP_DB_CONNECT_ATTEMPTS: "100" }).dbConnectAttempts, 100);
  });
});

// A bad value stops boot with one line naming the variable; secrets are never echoed back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "../../../src/config.ts";

/** One or more rejected values per variable. IDP_TRUST_PROXY is free-form (Express parses it). */
const BAD: Record<string, string[]> = {
  NODE_ENV: ["staging", "prod"],
  PORT: ["0", "65536", "abc", "80.5", "-1"],
  HOST: ["   "],
  IDP_BASE_URL: ["localhost:4000", "ftp://idp.example.com", "https://idp.example.com/?x=1", "https://idp.example.com/#top", "not a url"],
  DATABASE_URL: ["mysql://db/idp", "localhost:5432", "sqlite:./x.db"],
  IDP_DATA_DIR: ["  "],
  IDP_DB_CONNECT_ATTEMPTS: ["0", "101", "many"],
  IDP_DB_POOL_SIZE: ["0", "1001", "ten"],
  IDP_SEED_DEMO: ["maybe", "2", "on"],
  IDP_DEMO_PASSWORD: ["short"],
  IDP_MASTER_KEY: ["abc", Buffer.alloc(16).toString("base64"), Buffer.alloc(32).toString("hex"), `${Buffer.alloc(32, 1).toString("base64").slice(0, -2)}!=`],
  LOG_LEVEL: ["loud", "WARNING"],
  IDP_SESSION_TTL: ["299", "2592001", "1h"],
  IDP_SESSION_IDLE_TIMEOUT: ["59", "x"],
  IDP_LOCKOUT_THRESHOLD: ["0", "1001"],
  IDP_LOCKOUT_SECONDS: ["0", "86401", "-5"],
  IDP_IP_FAILURE_LIMIT: ["0", "100001", "ten"],
  IDP_IP_WINDOW_SECONDS: ["0", "86401"],
  IDP_UPSTREAM_START_LIMIT: ["-1", "1000001", "ten"],
  IDP_LOGIN_CONCURRENCY: ["0", "257"],
  IDP_KEY_RETIRED_TTL: ["-1", "31536001", "1e5"],
  IDP_TOTP_ISSUER: ["   ", "x".repeat(65)],
  IDP_SHUTDOWN_TIMEOUT: ["0", "601"],
  IDP_ADMIN_GROUP: ["   ", "g".repeat(129)],
  IDP_AUDITOR_GROUP: ["   ", "g".repeat(129)],
  IDP_ADMIN_REQUIRE_MFA: ["maybe"],
  IDP_STS_BACKEND: ["remote", "AWS"],
  IDP_STS_AWS_ENDPOINT: ["sts.amazonaws.com", "ftp://x", "https://sts.amazonaws.com/?a=b"],
  IDP_STS_AWS_REGION: ["US-EAST-1", "us east"],
  IDP_STS_SAML_REPLAY: ["maybe"],
  IDP_STS_JWKS_TIMEOUT_MS: ["99", "60001"],
  IDP_STS_DISABLED_REGIONS: ["us-east-1,", "US-EAST-1", "a b"],
  IDP_STS_MAX_INFLIGHT: ["0", "100001"],
  // "2" without DATABASE_URL: the embedded database serves one process only
  IDP_WORKERS: ["0", "abc", "-1", "1.5", "257", "2"],
};
const FREE_FORM = ["IDP_TRUST_PROXY"];

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe("config errors", () => {
  it("every variable has rejected values in this table", () => {
    assert.deepEqual([...Object.keys(BAD), ...FREE_FORM].sort(), [...CONFIG_VARIABLES].sort());
  });

  for (const [name, values] of Object.entries(BAD)) {
    for (const value of values) {
      it(`${name}=${JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value)} stops with one line naming ${name}`, () => {
        const err = configError({ [name]: value });
        assert.equal(err.variable, name);
        assert.match(err.message, new RegExp(`^configuration error: ${name}: \\S`));
        assert.ok(!err.message.includes("\n"), "one line");
      });
    }
  }

  it("the message says what is expected", () => {
    assert.match(configError({ PORT: "abc" }).message, /whole number/);
    assert.match(configError({ PORT: "70000" }).message, /between 1 and 65535/);
    assert.match(configError({ IDP_MASTER_KEY: "abc" }).message, /openssl rand -base64 32/);
  });

  it("IDP_WORKERS > 1 on the embedded database says why and what to do", () => {
    assert.equal(
      configError({ IDP_WORKERS: "2" }).message,
      "configuration error: IDP_WORKERS: 2 worker processes need PostgreSQL (DATABASE_URL); the embedded database serves one process only (set IDP_WORKERS=1)",
    );
    assert.match(configError({ IDP_WORKERS: "abc" }).message, /whole number between 1 and 256, or auto \(got "abc"\)$/);
  });

  it("echoes ordinary values, to show what was wrong", () => {
    assert.match(configError({ PORT: "abc" }).message, /got "abc"/);
  });

  it("never echoes a secret: master key, database URL (may hold a password), demo password", () => {
    const nearMiss = `${Buffer.alloc(32, 9).toString("base64").slice(0, -1)}`; // lost its "="
    for (const [name, value] of [
      ["IDP_MASTER_KEY", nearMiss],
      ["DATABASE_URL", "mysql://admin:s3cret-pw@db/idp"],
      ["IDP_DEMO_PASSWORD", "pw-123"],
    ] as const) {
      const err = configError({ [name]: value });
      assert.equal(err.variable, name);
      assert.ok(!err.message.includes(value), `${name} value leaked: ${err.message}`);
      assert.ok(!err.message.includes("s3cret"), err.message);
    }
  });
});

// Production mode refuses unsafe defaults (DESIGN.md: "unsafe defaults impossible in production").
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../../src/config.ts";

const SAFE = {
  NODE_ENV: "production",
  IDP_BASE_URL: "https://idp.example.com",
  IDP_MASTER_KEY: Buffer.alloc(32, 3).toString("base64"),
  DATABASE_URL: "postgresql://idp@db:5432/idp",
};

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.ok(!err.message.includes("\n"), "one line");
    return err;
  }
  assert.fail("production accepted an unsafe configuration");
}

describe("production mode", () => {
  it("accepts a safe configuration: https, master key, PostgreSQL, no demo data", () => {
    const c = loadConfig(SAFE);
    assert.equal(c.env, "production");
    assert.equal(c.seedDemo, false, "demo data defaults to off in production");
    assert.equal(c.cookieSecure, true);
  });

  it("refuses demo data", () => {
    for (const v of ["true", "1", "yes"]) assert.equal(refusal({ ...SAFE, IDP_SEED_DEMO: v }).variable, "IDP_SEED_DEMO");
    assert.equal(loadConfig({ ...SAFE, IDP_SEED_DEMO: "false" }).seedDemo, false);
  });

  it("refuses a plain-http base URL", () => {
    const err = refusal({ ...SAFE, IDP_BASE_URL: "http://idp.example.com" });
    assert.equal(err.variable, "IDP_BASE_URL");
    assert.match(err.message, /https/);
  });

  it("refuses a missing base URL (the http://localhost default)", () => {
    assert.equal(refusal({ ...SAFE, IDP_BASE_URL: undefined }).variable, "IDP_BASE_URL");
  });

  it("refuses a missing IDP_MASTER_KEY (no generated key file in production)", () => {
    const err = refusal({ ...SAFE, IDP_MASTER_KEY: undefined });
    assert.equal(err.variable, "IDP_MASTER_KEY");
    assert.match(err.message, /required in production/);
    assert.equal(refusal({ ...SAFE, IDP_MASTER_KEY: "" }).variable, "IDP_MASTER_KEY");
  });

  it("refuses a missing DATABASE_URL (the embedded database is for development)", () => {
    const err = refusal({ ...SAFE, DATABASE_URL: undefined });
    assert.equal(err.variable, "DATABASE_URL");
    assert.match(err.message, /required in production/);
  });

  it("development and test modes allow all of these", () => {
    for (const env of ["development", "test"]) {
      const c = loadConfig({ NODE_ENV: env, IDP_SEED_DEMO: "true" });
      assert.equal(c.seedDemo, true);
      assert.equal(c.baseUrl, "http://localhost:4000");
    }
  });
});

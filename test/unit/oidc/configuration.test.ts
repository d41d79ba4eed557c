// The provider configuration as production builds it: no development interactions (the provider's
// built-in login form must never be reachable), RS256 only, PKCE for public clients, AWS claims
// allowed into the ID token.
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import Provider, { type JWKS } from "oidc-provider";
import supertest from "supertest";
import { loadConfig } from "../../../src/config.ts";
import type { DirectoryService } from "../../../src/directory/index.ts";
import { providerConfiguration } from "../../../src/oidc/configuration.ts";

function productionConfiguration() {
  const config = loadConfig({
    NODE_ENV: "production",
    IDP_BASE_URL: "https://idp.example.com",
    IDP_SEED_DEMO: "false",
    IDP_MASTER_KEY: randomBytes(32).toString("base64"),
    DATABASE_URL: "postgresql://idp@db.example.com/idp",
  });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwks = { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" }] } as JWKS;
  const configuration = providerConfiguration({
    config,
    directory: {} as DirectoryService,
    render: () => "",
    adapter: undefined,
    findAccount: async () => undefined,
    jwks,
    cookieKeys: ["test-cookie-key"],
    rememberedGrant: async () => undefined,
  });
  return { config, configuration };
}

describe("oidc provider configuration (production)", () => {
  test("devInteractions are off", () => {
    const { configuration } = productionConfiguration();
    assert.equal(configuration.features?.devInteractions?.enabled, false);
  });

  test("a provider built from it serves no development login page", async () => {
    const { config, configuration } = productionConfiguration();
    const provider = new Provider(config.baseUrl, configuration);
    const res = await supertest(provider.callback()).get("/interaction/abc");
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.text, /<form/);
  });

  test("RS256 only, PKCE required for public clients, AWS claims go into the ID token", () => {
    const { configuration } = productionConfiguration();
    assert.deepEqual(configuration.enabledJWA?.idTokenSigningAlgValues, ["RS256"]);
    assert.equal(configuration.conformIdTokenClaims, false);
    const required = configuration.pkce!.required!;
    assert.equal(required({} as never, { clientAuthMethod: "none" } as never), true);
    assert.equal(required({} as never, { clientAuthMethod: "client_secret_basic" } as never), false);
    assert.equal(configuration.rotateRefreshToken, true);
    assert.ok((configuration.claims as Record<string, string[]>).aws!.includes("https://aws.amazon.com/tags"));
    assert.equal(configuration.cookies?.long?.secure, true);
  });
});

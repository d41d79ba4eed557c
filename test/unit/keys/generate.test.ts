import { test } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, X509Certificate } from "node:crypto";
import { generateSigningKey, jwkThumbprint } from "../../../src/keys/generate.ts";

const now = new Date("2030-03-01T12:00:00Z");
const key = await generateSigningKey("https://idp.example.com:8443/base", now);

test("the kid is the RFC 7638 thumbprint of the public key", () => {
  assert.equal(key.kid, jwkThumbprint(key.publicJwk));
  // RFC 7638 §3.1 worked example
  const example = {
    e: "AQAB",
    n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  };
  assert.equal(jwkThumbprint(example), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
});

test("the JWK is public, RS256, for signatures, and carries the certificate", () => {
  const jwk = key.publicJwk as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(jwk).sort(), ["alg", "e", "kid", "kty", "n", "use", "x5c", "x5t#S256"]);
  assert.equal(jwk.alg, "RS256");
  assert.equal(jwk.use, "sig");
  assert.equal(createPublicKey({ key: { kty: "RSA", n: key.publicJwk.n, e: key.publicJwk.e }, format: "jwk" }).asymmetricKeyDetails?.modulusLength, 2048);
});

test("the certificate is self-signed SHA-256/RSA for the base URL host, ten years, with the key of the JWK", () => {
  const cert = new X509Certificate(key.certificatePem);
  assert.equal(cert.subject, "CN=idp.example.com");
  assert.equal(cert.issuer, cert.subject);
  assert.ok(cert.verify(cert.publicKey), "self-signature verifies");
  assert.equal(cert.publicKey.export({ format: "jwk" }).n, key.publicJwk.n);
  assert.equal(cert.ca, false);
  assert.equal(cert.raw.toString("base64"), key.publicJwk.x5c[0]);
  assert.ok(new Date(cert.validFrom) <= now);
  assert.equal(new Date(cert.validTo).getUTCFullYear(), 2040);
  assert.match(cert.serialNumber, /^[0-9A-F]{32}$/);
  assert.ok(Number.parseInt(cert.serialNumber.slice(0, 2), 16) < 0x80, "serial is positive");
});

test("serial numbers are random", async () => {
  const other = await generateSigningKey("https://idp.example.com");
  assert.notEqual(new X509Certificate(other.certificatePem).serialNumber, new X509Certificate(key.certificatePem).serialNumber);
  assert.notEqual(other.kid, key.kid);
});

// decodeSamlResponse: strict base64 intake for AssumeRoleWithSAML (line breaks and missing padding
// are tolerated, as encoders produce them; anything Node's lenient decoder would skip is refused).
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeSamlResponse } from "../../../src/sts/providers/saml/index.ts";
import { StsError } from "../../../src/sts/protocol/index.ts";

const xml = "<samlp:Response>hello</samlp:Response>";
const b64 = Buffer.from(xml).toString("base64");
const notBase64 = (e: unknown) => e instanceof StsError && e.code === "InvalidIdentityToken" && /not base64/.test(e.message);

for (const [name, input] of [
  ["canonical", b64],
  ["without padding", b64.replace(/=+$/, "")],
  ["wrapped at 76 columns with CRLF", `${b64.slice(0, 8)}\r\n${b64.slice(8)}`],
] as const) {
  test(`accepted: ${name}`, () => assert.equal(decodeSamlResponse(input), xml));
}

for (const [name, input] of [
  ["empty", ""],
  ["a space inside", `${b64.slice(0, 8)} ${b64.slice(8)}`],
  ["URL-safe alphabet", b64.replace(/./, "-")],
  ["padding inside", `${b64.slice(0, 8)}=${b64.slice(8)}`],
  ["three padding characters", `${b64.replace(/=+$/, "")}===`],
  ["percent signs", "%%%"],
  ["non-zero trailing bits", "QR=="],
] as const) {
  test(`refused: ${name}`, () => assert.throws(() => decodeSamlResponse(input), notBase64));
}

test("a DTD is refused before parsing", () => {
  assert.throws(() => decodeSamlResponse(Buffer.from(`<!DOCTYPE x [<!ENTITY a "b">]>${xml}`).toString("base64")), (e: unknown) => e instanceof StsError && /DTDs/.test(e.message));
});

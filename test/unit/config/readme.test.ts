// The README's configuration table is the user's reference: every variable the parser reads must
// have a row there, so a new setting cannot ship undocumented.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CONFIG_VARIABLES } from "../../../src/config.ts";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const documented = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!));

describe("README configuration table", () => {
  it("has a row for every configuration variable", () => {
    const missing = CONFIG_VARIABLES.filter((name) => !documented.has(name));
    assert.deepEqual(missing, [], `undocumented: ${missing.join(", ")}`);
  });

  it("documents no variable the configuration does not read", () => {
    const known = new Set(CONFIG_VARIABLES);
    // bench and test knobs are read by those tools, not by the server's config
    const extra = [...documented].filter((name) => !known.has(name) && !/^(BENCH_|TEST_)/.test(name));
    assert.deepEqual(extra, []);
  });
});

// TallyCounter: counts kept per label set outside prom-client, added to the exposed counter when
// the registry is read, each count exactly once however often it is read.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { TallyCounter } from "../../../src/http/tally.ts";

const series = async (registry: Registry) =>
  (await registry.metrics())
    .split("\n")
    .filter((l) => l.startsWith("t_total{"))
    .sort();

test("counts appear per label set on a scrape, are folded in once, and keep adding up", async () => {
  const registry = new Registry();
  const tally = new TallyCounter({ name: "t_total", help: "test", labelNames: ["a", "b"], registers: [registry] });
  assert.deepEqual(await series(registry), [], "no series before a count");
  tally.inc("x", "1");
  tally.inc("x", "1");
  tally.inc("x", "2");
  tally.inc("y", "1");
  const first = ['t_total{a="x",b="1"} 2', 't_total{a="x",b="2"} 1', 't_total{a="y",b="1"} 1'];
  assert.deepEqual(await series(registry), first);
  assert.deepEqual(await series(registry), first, "a second read adds nothing");
  tally.inc("x", "1");
  assert.deepEqual(await series(registry), ['t_total{a="x",b="1"} 3', 't_total{a="x",b="2"} 1', 't_total{a="y",b="1"} 1']);
  // the JSON a cluster worker hands to the primary sees the same values
  tally.inc("y", "1");
  const json = await registry.getMetricsAsJSON();
  assert.deepEqual(
    json[0]!.values.map((v) => [v.labels, v.value]),
    [
      [{ a: "x", b: "1" }, 3],
      [{ a: "x", b: "2" }, 1],
      [{ a: "y", b: "1" }, 2],
    ],
  );
});

// Attribute → session tag rules: a bad value is dropped and reported, never fails the sign-in.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sessionTagsFor } from "../../../src/claims/index.ts";
import { tagKeyProblem, tagValueProblem, type JsonObject, type JsonValue, type TagRuleRecord } from "../../../src/directory/index.ts";
import { Fixture } from "./fixture.ts";

const rule = (attribute: string, tagKey: string, transitive = false): TagRuleRecord => ({ id: `${attribute}-${tagKey}`, attribute, tagKey, transitive });
const one = (value: JsonValue) => sessionTagsFor({ a: value }, [rule("a", "Tag")]);

describe("attribute values", () => {
  // value → tag value, or undefined when it must be dropped
  const rows: [string, JsonValue, string | undefined][] = [
    ["a string", "engineering", "engineering"],
    ["an empty string", "", ""],
    ["a number", 1234, "1234"],
    ["a negative decimal", -12.5, "-12.5"],
    ["true", true, "true"],
    ["false", false, "false"],
    ["unicode letters", "Zoë Ünal", "Zoë Ünal"],
    ["CJK", "東京", "東京"],
    ["Arabic", "الهندسة", "الهندسة"],
    ["spaces and punctuation AWS allows", "a b:c/d=e+f-g@h_i.j", "a b:c/d=e+f-g@h_i.j"],
    ["exactly 256 characters", "v".repeat(256), "v".repeat(256)],
    ["astral letters within 256 UTF-16 units", "𝒜".repeat(128), "𝒜".repeat(128)],
    ["257 characters", "v".repeat(257), undefined],
    ["astral letters over 256 units", "𝒜".repeat(129), undefined],
    ["an emoji", "🚀", undefined],
    ["a line break", "a\nb", undefined],
    ["markup", "<b>x</b>", undefined],
    ["a comma", "a,b", undefined],
    ["a list", ["a", "b"], undefined],
    ["an object", { nested: "x" }, undefined],
  ];
  for (const [name, value, expected] of rows) {
    it(`${name} → ${expected === undefined ? "dropped" : "tag"}`, () => {
      const r = one(value);
      if (expected === undefined) {
        assert.deepEqual(r.principalTags, {});
        assert.equal(r.dropped.length, 1);
        assert.equal(r.dropped[0]!.attribute, "a");
        assert.equal(typeof r.dropped[0]!.reason, "string");
      } else {
        assert.deepEqual(r.principalTags, { Tag: expected });
        assert.deepEqual(r.dropped, []);
      }
    });
  }

  it("a missing or null attribute is no tag and nothing to report", () => {
    assert.deepEqual(sessionTagsFor({ a: null }, [rule("a", "A"), rule("b", "B")]), { principalTags: {}, transitiveTagKeys: [], dropped: [] });
  });

  it("does not read inherited properties", () => {
    assert.deepEqual(sessionTagsFor({}, [rule("toString", "T"), rule("__proto__", "P")]).principalTags, {});
  });
});

describe("rules", () => {
  it("marks transitive only the tags that are present, sorted", () => {
    const rules = [rule("z", "Zeta", true), rule("a", "Alpha", true), rule("m", "Mu"), rule("gone", "Gone", true)];
    const r = sessionTagsFor({ z: "1", a: "2", m: "3" }, rules);
    assert.deepEqual(r.transitiveTagKeys, ["Alpha", "Zeta"]);
    assert.deepEqual(Object.keys(r.principalTags).sort(), ["Alpha", "Mu", "Zeta"]);
  });

  it("drops a tag key that differs from another only by case (AWS keys are case-insensitive)", () => {
    const r = sessionTagsFor({ a: "1", b: "2" }, [rule("a", "Team"), rule("b", "team")]);
    assert.equal(Object.keys(r.principalTags).length, 1);
    assert.equal(r.dropped.length, 1);
  });

  it("drops a rule whose key AWS would reject", () => {
    const r = sessionTagsFor({ a: "1" }, [rule("a", "aws:Team")]);
    assert.deepEqual(r.principalTags, {});
    assert.match(r.dropped[0]!.reason, /aws:/);
  });

  it("keeps at most 50 tags and reports the rest", () => {
    const attributes: JsonObject = {};
    const rules: TagRuleRecord[] = [];
    for (let i = 0; i < 55; i++) {
      attributes[`attr${i}`] = `v${i}`;
      rules.push(rule(`attr${i}`, `Key${String(i).padStart(2, "0")}`, i % 2 === 0));
    }
    const r = sessionTagsFor(attributes, rules.reverse());
    assert.equal(Object.keys(r.principalTags).length, 50);
    assert.deepEqual(r.dropped.map((d) => d.attribute), ["attr50", "attr51", "attr52", "attr53", "attr54"]);
    assert.ok(r.transitiveTagKeys.every((k) => k in r.principalTags));
  });

  it("exactly 50 valid tags, with invalid values not counting towards the limit", () => {
    const attributes: JsonObject = { bad: ["x"] };
    const rules = [rule("bad", "AAA")];
    for (let i = 0; i < 50; i++) {
      attributes[`a${i}`] = i;
      rules.push(rule(`a${i}`, `K${String(i).padStart(2, "0")}`));
    }
    const r = sessionTagsFor(attributes, rules);
    assert.equal(Object.keys(r.principalTags).length, 50);
    assert.deepEqual(r.dropped.map((d) => d.attribute), ["bad"]);
  });
});

describe("sign-in with odd attributes", () => {
  it("never fails and never emits a tag AWS would reject (random values)", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const alphabet = ["a", "Z", "9", " ", "_", ":", "/", "=", "+", "-", "@", ".", "é", "東", "𝒜", "🚀", "\n", "\t", ",", "<", "\u0000", "\u200b"];
    const fx = new Fixture();
    for (let i = 0; i < 20; i++) fx.tag(`attr${i}`, `Tag${i}`, i % 3 === 0);
    for (let n = 0; n < 300; n++) {
      const attributes: JsonObject = {};
      for (let i = 0; i < 20; i++) {
        const len = Math.floor(rand() * 300);
        const pick = rand();
        attributes[`attr${i}`] =
          pick < 0.1 ? Math.floor(rand() * 1e6) : pick < 0.15 ? [len] : pick < 0.2 ? { len } : Array.from({ length: len }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
      }
      const { identity, dropped } = fx.build(fx.user(`user${n}`, [], { attributes }));
      for (const [k, val] of Object.entries(identity.principalTags)) {
        assert.equal(tagKeyProblem(k), undefined);
        assert.equal(tagValueProblem(val), undefined, JSON.stringify(val));
      }
      assert.equal(Object.keys(identity.principalTags).length + dropped.length, 20);
    }
  });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { MalformedPolicyDocument, packedPolicySize } from "../../../../src/sts/iam/index.ts";
import { TYPICAL } from "./fixtures.ts";

test("the typical fixture is a full 2048-character policy", () => {
  const length = JSON.stringify(TYPICAL).length;
  assert.ok(length > 1900 && length <= 2048, String(length));
});

test("a typical 2048-character policy packs to about 100 %", () => {
  const size = packedPolicySize({ policies: [TYPICAL] });
  assert.ok(size >= 90 && size <= 110, String(size));
  // JSON text and objects give the same result (text is minified first)
  assert.equal(packedPolicySize({ policies: [JSON.stringify(TYPICAL, null, 4)] }), size);
});

test("AWS's AssumeRole example (one statement, two tags) packs to a small percentage", () => {
  const size = packedPolicySize({
    policies: ['{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'],
    tags: { Project: "Pegasus", "Cost-Center": "98765" },
  });
  assert.ok(size >= 3 && size <= 15, String(size));
});

test("nothing passed → 0; tags, ARNs and transitive keys all count", () => {
  assert.equal(packedPolicySize({}), 0);
  assert.equal(packedPolicySize({ policies: [], tags: {} }), 0);
  const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`tag-key-${i}-${"k".repeat(20)}`, `value ${i} ${Math.sin(i)}`]));
  const withTags = packedPolicySize({ policies: [TYPICAL], tags });
  assert.ok(withTags > packedPolicySize({ policies: [TYPICAL] }));
  assert.ok(withTags > 100, String(withTags)); // 50 long tags on top of a full policy are too large
  const arns = packedPolicySize({ policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/Custom"] });
  assert.ok(arns > 0 && arns < 20, String(arns));
  assert.ok(packedPolicySize({ tags: [{ key: "a", value: "b" }], transitiveTagKeys: ["a"] }) > packedPolicySize({ tags: [{ key: "a", value: "b" }] }) - 1);
  assert.deepEqual(packedPolicySize({ tags: [{ key: "Project", value: "Pegasus" }] }), packedPolicySize({ tags: { Project: "Pegasus" } }));
});

test("grows with content and rejects invalid JSON", () => {
  const small = packedPolicySize({ policies: [{ Version: "2012-10-17", Statement: TYPICAL.Statement.slice(0, 2) }] });
  const large = packedPolicySize({ policies: [TYPICAL] });
  assert.ok(small < large, `${small} < ${large}`);
  assert.throws(() => packedPolicySize({ policies: ["{not json"] }), MalformedPolicyDocument);
});

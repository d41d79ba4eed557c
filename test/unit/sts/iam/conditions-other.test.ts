import { test } from "node:test";
import assert from "node:assert/strict";
import type { RequestContext } from "../../../../src/sts/iam/index.ts";
import { holds } from "./helpers.ts";

type Row = [operator: string, policy: unknown, request: RequestContext["x"], want: boolean];

function run(rows: Row[]) {
  for (const [operator, policy, request, want] of rows) {
    const context: RequestContext = request === undefined ? {} : { "test:key": request };
    assert.equal(holds({ [operator]: { "test:key": policy } }, context), want, `${operator} ${JSON.stringify(policy)} vs ${JSON.stringify(request)}`);
  }
}

test("Bool: JSON booleans or strings, case-insensitive", () => {
  run([
    ["Bool", true, true, true],
    ["Bool", true, "true", true],
    ["Bool", "true", true, true],
    ["Bool", "True", "TRUE", true],
    ["Bool", true, false, false],
    ["Bool", false, false, true],
    ["Bool", "false", "false", true],
    ["Bool", "false", true, false],
    ["Bool", true, undefined, false],
    ["Bool", false, undefined, false],
    ["Bool", "yes", "yes", false],
    ["Bool", true, 1, false],
    ["Bool", true, "1", false],
    ["BoolIfExists", false, undefined, true],
    ["BoolIfExists", false, true, false],
  ]);
});

test("BinaryEquals compares base64-decoded bytes", () => {
  const b64 = Buffer.from("QmluYXJ5VmFsdWVJbkJhc2U2NA==", "base64").toString("base64");
  run([
    ["BinaryEquals", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", b64, true],
    ["BinaryEquals", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", "QmluYXJ5VmFsdWVJbkJhc2U2NA", true], // unpadded
    ["BinaryEquals", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", "QmluYXJ5VmFsdWVJbkJhc2U2NQ==", false],
    ["BinaryEquals", "AAEC", "AAEC", true],
    ["BinaryEquals", "AAEC", "AAED", false],
    ["BinaryEquals", "AAEC", "not base64!", false],
    ["BinaryEquals", "not base64!", "not base64!", false],
    ["BinaryEquals", "AAEC", undefined, false],
    ["BinaryEqualsIfExists", "AAEC", undefined, true],
  ]);
});

test("IpAddress / NotIpAddress with IPv4 and IPv6 CIDR", () => {
  run([
    ["IpAddress", "203.0.113.0/24", "203.0.113.7", true],
    ["IpAddress", "203.0.113.0/24", "203.0.114.7", false],
    ["IpAddress", "203.0.113.0/24", "203.0.113.255", true],
    ["IpAddress", "203.0.113.5", "203.0.113.5", true],
    ["IpAddress", "203.0.113.5", "203.0.113.6", false],
    ["IpAddress", "203.0.113.5/32", "203.0.113.5", true],
    ["IpAddress", "0.0.0.0/0", "8.8.8.8", true],
    ["IpAddress", "10.0.0.0/8", "10.255.255.255", true],
    ["IpAddress", "10.0.0.0/8", "11.0.0.0", false],
    ["IpAddress", "10.1.2.3/8", "10.9.9.9", true], // host bits ignored
    ["IpAddress", ["192.0.2.0/24", "203.0.113.0/24"], "203.0.113.1", true],
    ["IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678:abcd::1", true],
    ["IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", false],
    ["IpAddress", "2001:db8::/32", "2001:0db8:ffff::1", true],
    ["IpAddress", "::/0", "fe80::1", true],
    ["IpAddress", "2001:db8::1", "2001:db8:0:0:0:0:0:1", true],
    ["IpAddress", "2001:db8::/32", "203.0.113.1", false],
    ["IpAddress", "203.0.113.0/24", "2001:db8::1", false],
    ["IpAddress", "203.0.113.0/24", "not-an-ip", false],
    ["IpAddress", "203.0.113.0/24", "203.0.113.7/32", false],
    ["IpAddress", "203.0.113.0/33", "203.0.113.7", false],
    ["IpAddress", "203.0.113.0/x", "203.0.113.7", false],
    ["IpAddress", "2001:db8::/129", "2001:db8::1", false],
    ["IpAddress", "300.0.0.0/8", "300.0.0.1", false],
    ["IpAddress", "203.0.113.0/24", undefined, false],
    ["NotIpAddress", "203.0.113.0/24", "203.0.113.7", false],
    ["NotIpAddress", "203.0.113.0/24", "198.51.100.1", true],
    ["NotIpAddress", ["203.0.113.0/24", "2001:db8::/32"], "2001:db8::5", false],
    ["NotIpAddress", ["203.0.113.0/24", "2001:db8::/32"], "2001:db9::5", true],
    ["NotIpAddress", "203.0.113.0/24", undefined, true],
  ]);
});

test("ArnEquals / ArnLike / ArnNotEquals / ArnNotLike", () => {
  const role = "arn:aws:iam::111122223333:role/Engineer";
  run([
    ["ArnEquals", role, role, true],
    ["ArnEquals", role, "arn:aws:iam::111122223333:role/engineer", false],
    ["ArnLike", "arn:aws:iam::111122223333:role/*", role, true],
    ["ArnLike", "arn:aws:iam::*:role/Eng?neer", role, true],
    ["ArnLike", "arn:aws:iam::444455556666:role/*", role, false],
    // ArnEquals accepts wildcards too (both are listed together in the IAM reference)
    ["ArnEquals", "arn:aws:iam::111122223333:role/*", role, true],
    ["ArnLike", "arn:aws:iam::*", role, false],
    ["ArnLike", "arn:aws:iam::111122223333:role/*", "Engineer", false],
    ["ArnLike", "arn:aws:sns:*:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:topic", true],
    ["ArnLike", "arn:aws:sns:*:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:topic:sub", false],
    ["ArnLike", "arn:aws:iam::111122223333:role/*", undefined, false],
    ["ArnNotEquals", role, role, false],
    ["ArnNotEquals", role, "arn:aws:iam::111122223333:role/Other", true],
    ["ArnNotLike", "arn:aws:iam::111122223333:*", role, false],
    ["ArnNotLike", "arn:aws:iam::111122223333:*", "arn:aws:iam::444455556666:role/Engineer", true],
    ["ArnNotLike", "arn:aws:iam::111122223333:*", undefined, true],
    ["ArnNotEquals", role, undefined, true],
  ]);
});

test("Null: true = key absent, false = key present", () => {
  run([
    ["Null", "true", undefined, true],
    ["Null", true, undefined, true],
    ["Null", "true", "x", false],
    ["Null", "false", "x", true],
    ["Null", false, "", true], // an empty string is present
    ["Null", "false", undefined, false],
    ["Null", "true", [], true], // an empty list is absent
    ["Null", "false", ["a"], true],
    ["Null", ["true", "false"], undefined, true],
    ["Null", "maybe", undefined, false],
    ["Null", "maybe", "x", false],
  ]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { ipKey } from "../../../src/auth/login/ip-key.ts";

test("IPv4 and IPv4-mapped IPv6 give the same key", () => {
  assert.equal(ipKey("203.0.113.7"), "ip:203.0.113.7");
  assert.equal(ipKey("::ffff:203.0.113.7"), "ip:203.0.113.7");
});

test("IPv6 addresses are grouped by /64", () => {
  assert.equal(ipKey("2001:db8:1:2:aaaa::1"), ipKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
  assert.equal(ipKey("2001:0db8:0001:0002::1"), "ip:2001:db8:1:2::/64");
  assert.notEqual(ipKey("2001:db8:1:2::1"), ipKey("2001:db8:1:3::1"));
  assert.equal(ipKey("::1"), "ip:0:0:0:0::/64");
});

test("a missing address still has a key", () => {
  assert.equal(ipKey(undefined), "ip:unknown");
});

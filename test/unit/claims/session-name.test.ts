// RoleSessionName and SourceIdentity from usernames: always 2–64 of [\w+=,.@-], never "aws:…".
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { roleSessionNameFor, sourceIdentityFor } from "../../../src/claims/index.ts";

const ID = "0b8f2a4e-6d0c-4a8e-9f53-2b7c1d9e4a10";
const VALID = /^[\w+=,.@-]{2,64}$/;

describe("role session names", () => {
  const rows: [string, string][] = [
    ["alice", "alice"],
    ["alice@example.com", "alice@example.com"],
    ["first.last+tag=1,x", "first.last+tag=1,x"],
    ["ab", "ab"],
    ["a", `a_${ID}`],
    ["", ID],
    ["José.Müller", "Jose.Muller"],
    ["ﬁnance", "finance"], // NFKD ligature
    ["O'Brien", "O_Brien"],
    ["first last", "first_last"],
    ["DOMAIN\\user", "DOMAIN_user"],
    ["aws:admin", "aws_admin"],
    ["emoji😀x", "emoji_x"],
    ["日本", ID],
    ["日本a", "__a"],
    ["x".repeat(64), "x".repeat(64)],
    ["x".repeat(100), "x".repeat(64)],
  ];
  for (const [username, expected] of rows) {
    it(`${JSON.stringify(username.length > 30 ? `${username.slice(0, 10)}…(${username.length})` : username)} → ${expected.length > 40 ? `${expected.slice(0, 10)}…` : expected}`, () => {
      const name = roleSessionNameFor(username, ID);
      assert.equal(name, expected);
      assert.match(name, VALID);
    });
  }

  it("falls back to a usable value even for a short, odd user id", () => {
    assert.match(roleSessionNameFor("", "x"), VALID);
    assert.match(roleSessionNameFor("!", ""), VALID);
  });
});

describe("source identity", () => {
  for (const username of ["alice", "aws:admin", "AWS:root", "aws", "a", "日本", "x".repeat(80)]) {
    it(`${JSON.stringify(username.slice(0, 20))} is valid and not reserved`, () => {
      const s = sourceIdentityFor(username, ID);
      assert.match(s, VALID);
      assert.doesNotMatch(s, /^aws:/i);
    });
  }
});

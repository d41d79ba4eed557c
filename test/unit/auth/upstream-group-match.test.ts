// The group mappers' matching rule and the managed-groups rule (auth/upstream/group-sync.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { claimHolds, mappedGroups } from "../../../src/auth/upstream/group-sync.ts";

test("an array claim (OIDC) or multi-valued attribute (SAML) matches when any element equals the value", () => {
  assert.equal(claimHolds({ groups: ["staff", "aws-admins"] }, "groups", "aws-admins"), true);
  assert.equal(claimHolds({ groups: ["staff"] }, "groups", "aws-admins"), false);
  assert.equal(claimHolds({ groups: [] }, "groups", "aws-admins"), false);
});

test("a string claim matches when equal; nothing is split", () => {
  assert.equal(claimHolds({ department: "finance" }, "department", "finance"), true);
  assert.equal(claimHolds({ department: "finance ops" }, "department", "finance"), false);
  assert.equal(claimHolds({ groups: "a,b" }, "groups", "a"), false);
});

test("exact and case-sensitive", () => {
  assert.equal(claimHolds({ groups: ["AWS-Admins"] }, "groups", "aws-admins"), false);
  assert.equal(claimHolds({ groups: ["aws-admins "] }, "groups", "aws-admins"), false);
  assert.equal(claimHolds({ Groups: ["aws-admins"] }, "groups", "aws-admins"), false);
});

test("values that are not strings never match, in an array or alone", () => {
  assert.equal(claimHolds({ level: 5 }, "level", "5"), false);
  assert.equal(claimHolds({ admin: true }, "admin", "true"), false);
  assert.equal(claimHolds({ groups: [5, null, ["aws-admins"], { name: "aws-admins" }] }, "groups", "aws-admins"), false);
  assert.equal(claimHolds({ groups: null }, "groups", "null"), false);
});

test("a missing claim does not match", () => {
  assert.equal(claimHolds({}, "groups", "aws-admins"), false);
});

test("mapped groups: granted ones added, managed ones not granted removed, unmanaged ones kept", () => {
  const mappers = [
    { claim: "groups", value: "aws-admins", groupId: "admins" },
    { claim: "groups", value: "aws-ro", groupId: "readers" },
    { claim: "dept", value: "fin", groupId: "readers" },
  ];
  const sorted = (a: string[]) => [...a].sort();
  assert.deepEqual(sorted(mappedGroups(["local"], mappers, { groups: ["aws-admins"] })), ["admins", "local"]);
  assert.deepEqual(sorted(mappedGroups(["local", "admins", "readers"], mappers, { groups: [] })), ["local"]);
  // two mappers granting the same group: either one is enough, and the group is listed once
  assert.deepEqual(sorted(mappedGroups(["readers"], mappers, { groups: ["aws-ro"], dept: "fin" })), ["readers"]);
  assert.deepEqual(sorted(mappedGroups([], mappers, { dept: "fin" })), ["readers"]);
});

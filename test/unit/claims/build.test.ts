// buildFederatedIdentity: roles, durations, access, subject and the rest of the identity.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NAMEID_PERSISTENT } from "../../../src/claims/index.ts";
import { Denied, Invalid, NotFound } from "../../../src/errors.ts";
import { ACCOUNT, AWS_SP, demo, Fixture, ISSUER, SAML_PROVIDER } from "./fixture.ts";

const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe("the demo directory", () => {
  it("gives alice her roles, tags and groups", () => {
    const { fx, alice } = demo();
    const { identity, dropped } = fx.build(alice, { mfa: true });
    assert.deepEqual(dropped, []);
    assert.deepEqual(identity, {
      subject: alice.id,
      subjectFormat: NAMEID_PERSISTENT,
      issuer: ISSUER,
      roles: [
        { roleArn: arn("Engineer"), providerArn: SAML_PROVIDER, maxSessionDuration: 3600 },
        { roleArn: arn("ReadOnly"), providerArn: SAML_PROVIDER, maxSessionDuration: 3600 },
      ],
      sessionDuration: 3600,
      roleSessionName: "alice",
      sourceIdentity: "alice",
      principalTags: { CostCenter: "1234", Department: "engineering" },
      transitiveTagKeys: ["CostCenter"],
      groups: ["admins", "engineering"],
      email: "alice@example.com",
      name: "Alice Example",
      mfa: true,
      authTime: new Date("2026-01-02T03:04:05.000Z"),
    });
  });

  it("gives bob Finance and drops no tag for his missing costCenter", () => {
    const { fx, bob } = demo();
    const { identity, dropped } = fx.build(bob);
    assert.deepEqual(identity.roles.map((r) => r.roleArn), [arn("Finance")]);
    assert.deepEqual(identity.principalTags, { Department: "finance" });
    assert.deepEqual(identity.transitiveTagKeys, [], "transitive keys only for tags that are present");
    assert.deepEqual(dropped, []);
  });
});

describe("roles", () => {
  it("a user with no roles gets none, and no session duration or source identity", () => {
    const fx = new Fixture();
    const u = fx.user("carol", [fx.group("nobody-maps-me")]);
    const { identity } = fx.build(u, { requestedDuration: 1800 });
    assert.deepEqual(identity.roles, []);
    assert.equal("sessionDuration" in identity, false);
    assert.equal("sourceIdentity" in identity, false);
    assert.equal(identity.roleSessionName, "carol");
    assert.deepEqual(identity.groups, ["nobody-maps-me"]);
    assert.equal("email" in identity, false);
    assert.equal(identity.name, "carol");
  });

  it("inherits the mappings of every ancestor group", () => {
    const fx = new Fixture();
    const staff = fx.group("staff");
    const eng = fx.group("engineering", staff);
    const backend = fx.group("backend", eng);
    fx.map(staff, fx.role("Staff"));
    fx.map(eng, fx.role("Engineer"));
    fx.map(fx.group("unrelated"), fx.role("Other"));
    const { identity } = fx.build(fx.user("dave", [backend]));
    assert.deepEqual(identity.roles.map((r) => r.roleArn), [arn("Engineer"), arn("Staff")]);
    assert.deepEqual(identity.groups, ["backend", "engineering", "staff"]);
  });

  it("deduplicates a role reached through many groups and sorts deterministically", () => {
    const fx = new Fixture();
    const shared = fx.role("Shared");
    const groups = Array.from({ length: 200 }, (_, i) => fx.group(`team-${String(i).padStart(3, "0")}`));
    for (const [i, g] of groups.entries()) {
      fx.map(g, shared);
      if (i % 10 === 0) fx.map(g, fx.role(`Team${199 - i}`));
    }
    const u = fx.user("erin", [...groups].reverse());
    const { identity } = fx.build(u);
    assert.equal(identity.roles.length, 21);
    assert.equal(identity.roles.filter((r) => r.roleArn === arn("Shared")).length, 1);
    const sorted = [...identity.roles.map((r) => r.roleArn)].sort();
    assert.deepEqual(identity.roles.map((r) => r.roleArn), sorted);
    assert.equal(identity.groups.length, 200);
    assert.deepEqual(identity.groups, [...identity.groups].sort());
  });

  it("is the same whatever order the directory lists things in", () => {
    const { fx, alice } = demo();
    const before = fx.build(alice);
    fx.groups.reverse();
    fx.roles.reverse();
    fx.mappings.reverse();
    fx.tagRules.reverse();
    assert.deepEqual(fx.build(alice), before);
  });

  it("names the OIDC provider after the issuer, in the role's own account and partition", () => {
    const fx = new Fixture();
    const g = fx.group("eng");
    fx.map(g, fx.role("Engineer"));
    fx.map(g, fx.role("China", 3600, "arn:aws-cn:iam::444455556666:role/China"));
    fx.client("mobile-app");
    const u = fx.user("alice", [g]);
    const local = fx.build(u, { target: { kind: "oidc", id: "mobile-app" } }).identity;
    assert.deepEqual(local.roles.map((r) => r.providerArn), [
      `arn:aws-cn:iam::444455556666:oidc-provider/127.0.0.1:4000`,
      `arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:4000`,
    ]);
    const withPath = fx.build(u, { target: { kind: "oidc", id: "mobile-app" }, issuer: "https://idp.example.com/tenant/" }).identity;
    assert.equal(withPath.roles[1]!.providerArn, `arn:aws:iam::${ACCOUNT}:oidc-provider/idp.example.com/tenant`);
    assert.equal(withPath.issuer, "https://idp.example.com/tenant/");
  });

  it("ignores mappings whose role or group is missing from the snapshot", () => {
    const fx = new Fixture();
    const g = fx.group("eng");
    fx.mappings.push({ id: "m", groupId: g.id, roleId: "gone", sessionDuration: null, version: 1 });
    assert.deepEqual(fx.build(fx.user("a1", [g, { ...g, id: "gone" }])).identity.roles, []);
  });

  it("terminates and grants each role once when a race left a nesting cycle", () => {
    const fx = new Fixture();
    const a = fx.group("a");
    const b = fx.group("b", a);
    fx.groups[0] = { ...a, parentId: b.id }; // a → b → a
    fx.map(a, fx.role("A"));
    fx.map(b, fx.role("B"));
    const { identity } = fx.build(fx.user("cy", [b]));
    assert.deepEqual(identity.roles.map((r) => r.roleArn), [arn("A"), arn("B")]);
    assert.deepEqual(identity.groups, ["a", "b"]);
  });
});

describe("session durations", () => {
  // [role max, mapping caps, requested] → [effective role max, session duration]
  const rows: [string, number, (number | null)[], number | undefined, number, number][] = [
    ["unset cap = the role's maximum", 7200, [null], undefined, 7200, 7200],
    ["a cap shortens the role", 7200, [1800], undefined, 1800, 1800],
    ["two mappings: the more generous wins", 7200, [1800, 3600], undefined, 3600, 3600],
    ["an unset cap beats a set one", 7200, [1800, null], undefined, 7200, 7200],
    ["a cap above the role's maximum is bounded by it", 3600, [43200], undefined, 3600, 3600],
    ["a shorter request wins", 43200, [null], 900, 43200, 900],
    ["a longer request is capped", 3600, [null], 43200, 3600, 3600],
  ];
  for (const [name, max, caps, requested, effective, session] of rows) {
    it(name, () => {
      const fx = new Fixture();
      const role = fx.role("R", max);
      const groups = caps.map((cap, i) => {
        const g = fx.group(`g${i}`);
        fx.map(g, role, cap);
        return g;
      });
      const { identity } = fx.build(fx.user("u1", groups), { requestedDuration: requested });
      assert.equal(identity.roles[0]!.maxSessionDuration, effective);
      assert.equal(identity.sessionDuration, session);
    });
  }

  it("is the longest of the roles' durations, each role keeping its own cap", () => {
    const fx = new Fixture();
    const g = fx.group("g");
    fx.map(g, fx.role("Short", 3600));
    fx.map(g, fx.role("Long", 43200), 14400);
    const { identity } = fx.build(fx.user("u2", [g]));
    assert.deepEqual(identity.roles.map((r) => [r.roleArn, r.maxSessionDuration]), [
      [arn("Long"), 14400],
      [arn("Short"), 3600],
    ]);
    assert.equal(identity.sessionDuration, 14400);
  });

  for (const bad of [0, 899, 43201, 1800.5, Number.NaN]) {
    it(`refuses a requested duration of ${bad}`, () => {
      const { fx, alice } = demo();
      assert.throws(() => fx.build(alice, { requestedDuration: bad }), (e) => e instanceof Invalid && "requestedDuration" in e.fields);
    });
  }
});

describe("access", () => {
  it("checks the target first: no access groups means everyone", () => {
    const { fx, bob } = demo();
    fx.sp("urn:open-app");
    assert.equal(fx.build(bob, { target: { kind: "saml", id: "urn:open-app" } }).identity.subject, bob.id);
  });

  it("denies a user outside the app's access groups, before computing anything", () => {
    const { fx, bob, finance, engineering } = demo();
    fx.sp("urn:eng-wiki", [engineering]);
    fx.client("finance-app", [finance]);
    assert.throws(() => fx.build(bob, { target: { kind: "saml", id: "urn:eng-wiki" } }), Denied);
    assert.equal(fx.build(bob, { target: { kind: "oidc", id: "finance-app" } }).identity.roles.length, 1);
  });

  it("counts nested membership for access", () => {
    const fx = new Fixture();
    const staff = fx.group("staff");
    const eng = fx.group("eng", staff);
    fx.client("intranet", [staff]);
    assert.doesNotThrow(() => fx.build(fx.user("nest", [eng]), { target: { kind: "oidc", id: "intranet" } }));
    assert.throws(() => fx.build(fx.user("out", []), { target: { kind: "oidc", id: "intranet" } }), Denied);
  });

  it("refuses unknown apps and disabled users", () => {
    const { fx, alice } = demo();
    assert.throws(() => fx.build(alice, { target: { kind: "saml", id: "urn:unknown" } }), NotFound);
    assert.throws(() => fx.build(alice, { target: { kind: "oidc", id: AWS_SP } }), NotFound, "an SP entity id is not a client id");
    assert.throws(() => fx.build({ ...alice, disabled: true }), Denied);
  });
});

describe("authentication facts", () => {
  const rows: [boolean, string[], boolean][] = [
    [false, ["pwd"], false],
    [true, ["pwd", "otp"], true],
    [false, ["pwd", "otp", "mfa"], true],
    [false, [], false],
  ];
  for (const [mfa, amr, expected] of rows) {
    it(`mfa=${mfa} amr=${amr.join("+") || "none"} → ${expected}`, () => {
      const { fx, alice } = demo();
      assert.equal(fx.build(alice, { mfa, amr }).identity.mfa, expected);
    });
  }

  it("keeps authTime to whole seconds, which SAML and OIDC both carry", () => {
    const { fx, alice } = demo();
    assert.equal(fx.build(alice).identity.authTime.getTime() % 1000, 0);
  });
});

// Write inputs: one Invalid naming every bad field, and normalised values for the good ones.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Invalid } from "../../../src/errors.ts";
import * as inputs from "../../../src/directory/inputs.ts";

const ACCT = "111122223333";
const GROUP = "0b8f2a4e-6d0c-4a8e-9f53-2b7c1d9e4a10";

function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Invalid, `expected Invalid, got ${String(err)}`);
    return err.fields;
  }
  assert.fail("expected Invalid");
}

describe("user input", () => {
  it("normalises the username and blanks", () => {
    const u = inputs.userCreate({ username: "  Alice ", email: " ", displayName: " Alice Example ", groupIds: [GROUP, GROUP] });
    assert.equal(u.username, "alice");
    assert.equal(u.email, null);
    assert.equal(u.displayName, "Alice Example");
    assert.deepEqual(u.groupIds, [GROUP]);
    assert.deepEqual(u.attributes, {});
    assert.equal(u.disabled, false);
  });

  it("reports every bad field at once", () => {
    const fields = fieldsOf(() =>
      inputs.userCreate({ username: "no spaces", email: "nope", password: "short", attributes: [] as never, groupIds: ["x"], displayName: "a\tb" }),
    );
    assert.deepEqual(Object.keys(fields).sort(), ["attributes", "displayName", "email", "groupIds", "password", "username"]);
  });

  it("updates only what is given", () => {
    assert.deepEqual(inputs.userUpdate({ email: "a@example.com" }), { email: "a@example.com" });
    assert.deepEqual(inputs.userUpdate({ displayName: "" }), { displayName: null });
    assert.deepEqual(Object.keys(fieldsOf(() => inputs.userUpdate({ email: "x" }))), ["email"]);
  });
});

describe("group input", () => {
  it("checks the name and the parent id", () => {
    assert.deepEqual(Object.keys(fieldsOf(() => inputs.groupCreate({ name: "", parentId: "nope" }))).sort(), ["name", "parentId"]);
    assert.deepEqual(inputs.groupUpdate({ parentId: null }), { parentId: null });
  });
});

describe("role input", () => {
  const role = { arn: `arn:aws:iam::${ACCT}:role/Engineer`, samlProviderArn: `arn:aws:iam::${ACCT}:saml-provider/idp-gateway` };

  it("defaults MaxSessionDuration to one hour and parses a JSON trust policy", () => {
    const r = inputs.role({ ...role, trustPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}' });
    assert.equal(r.maxSessionDuration, 3600);
    assert.deepEqual(r.trustPolicy, { Version: "2012-10-17", Statement: [{ Effect: "Allow" }] });
  });

  it("wants the SAML provider in the role's own account and partition", () => {
    const other = fieldsOf(() => inputs.role({ ...role, samlProviderArn: "arn:aws:iam::999988887777:saml-provider/idp-gateway" }));
    assert.deepEqual(Object.keys(other), ["samlProviderArn"]);
    const cn = fieldsOf(() => inputs.role({ ...role, samlProviderArn: `arn:aws-cn:iam::${ACCT}:saml-provider/idp-gateway` }));
    assert.deepEqual(Object.keys(cn), ["samlProviderArn"]);
  });

  it("names each bad field", () => {
    const fields = fieldsOf(() => inputs.role({ arn: "Engineer", samlProviderArn: "idp", maxSessionDuration: 60, trustPolicy: "{" }));
    assert.deepEqual(Object.keys(fields).sort(), ["arn", "maxSessionDuration", "samlProviderArn", "trustPolicy"]);
  });
});

describe("mapping and tag rule input", () => {
  it("checks ids and the session cap", () => {
    assert.deepEqual(Object.keys(fieldsOf(() => inputs.mapping({ groupId: "g", roleId: GROUP, sessionDuration: 60 }))).sort(), ["groupId", "sessionDuration"]);
    assert.equal(inputs.mapping({ groupId: GROUP, roleId: GROUP }).sessionDuration, null);
  });

  it("refuses reserved and malformed tag keys", () => {
    assert.deepEqual(Object.keys(fieldsOf(() => inputs.tagRule({ attribute: "department", tagKey: "aws:Department" }))), ["tagKey"]);
    assert.deepEqual(Object.keys(fieldsOf(() => inputs.tagRule({ attribute: "bad attr", tagKey: "Dept" }))), ["attribute"]);
    assert.deepEqual(inputs.tagRule({ attribute: "costCenter", tagKey: "CostCenter" }), { attribute: "costCenter", tagKey: "CostCenter", transitive: false });
  });
});

describe("app input", () => {
  it("fills service provider defaults", () => {
    const sp = inputs.serviceProvider({ entityId: "urn:amazon:webservices", name: "AWS", acsUrls: ["http://127.0.0.1:4000/aws/saml"], profile: "aws" });
    assert.equal(sp.nameIdFormat, "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
    assert.deepEqual(sp.accessGroupIds, []);
    assert.equal(sp.sloUrl, null);
  });

  it("names bad service provider fields", () => {
    const fields = fieldsOf(() =>
      inputs.serviceProvider({ entityId: "has space", name: "", acsUrls: [], profile: "x" as never, nameIdFormat: "nope", certificates: ["not pem!"] }),
    );
    assert.deepEqual(Object.keys(fields).sort(), ["acsUrls", "certificates", "entityId", "name", "nameIdFormat", "profile"]);
  });

  it("checks OIDC client metadata against the client id", () => {
    const fields = fieldsOf(() => inputs.oidcClient({ clientId: "mobile-app", name: "Mobile", metadata: { client_id: "other" } }));
    assert.deepEqual(Object.keys(fields), ["metadata"]);
    const bad = fieldsOf(() => inputs.oidcClient({ clientId: "mobile-app", name: "Mobile", metadata: { redirect_uris: ["nope"] } }));
    assert.match(bad.metadata!, /redirect URIs #1/);
  });
});

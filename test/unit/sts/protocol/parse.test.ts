// awsQuery request decoding: Action/Version, flattened lists and structures, malformed lists.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_PARAMETERS,
  StsError,
  parseQueryRequest,
  readParams,
  stsActionParams,
  type QueryRequest,
} from "../../../../src/sts/protocol/index.ts";

const FORM = "application/x-www-form-urlencoded; charset=utf-8";

function post(body: string, contentType = FORM, rawQuery = ""): QueryRequest {
  return parseQueryRequest({ method: "POST", rawQuery, contentType, body: Buffer.from(body) });
}

function rejects(fn: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StsError, `expected StsError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

const ROLE = "arn:aws:iam::111122223333:role/Engineer";

describe("Action and Version", () => {
  test("read from a form POST body", () => {
    const q = post("Action=AssumeRole&Version=2011-06-15");
    assert.equal(q.action, "AssumeRole");
    assert.equal(q.version, "2011-06-15");
  });

  test("read from the query string of a GET", () => {
    const q = parseQueryRequest({ method: "GET", rawQuery: "Action=GetCallerIdentity&Version=2011-06-15", body: Buffer.alloc(0) });
    assert.equal(q.action, "GetCallerIdentity");
  });

  test("the first of repeated values wins, as on real STS", () => {
    const q = post("Action=GetCallerIdentity&Action=NoSuchAction&Version=2011-06-15&Version=2000-01-01");
    assert.equal(q.action, "GetCallerIdentity");
    assert.equal(q.version, "2011-06-15");
  });

  test("a POST body that is not form-encoded is not read as parameters", () => {
    assert.equal(post("Action=GetCallerIdentity&Version=2011-06-15", "text/plain").action, undefined);
    const noType = parseQueryRequest({ method: "POST", rawQuery: "", body: Buffer.from("Action=GetCallerIdentity&Version=2011-06-15") });
    assert.equal(noType.action, undefined);
  });

  test("the content type match ignores case and parameters", () => {
    assert.equal(post("Action=X", "Application/X-WWW-Form-Urlencoded;charset=UTF-8").action, "X");
  });

  test("query-string parameters come before body parameters", () => {
    const q = post("Action=FromBody", FORM, "Action=FromQuery");
    assert.equal(q.action, "FromQuery");
  });

  test("values are form-decoded: '+' is a space, %XX is UTF-8", () => {
    const q = post("Action=A&RoleSessionName=a+b%C3%A9%2B");
    assert.equal(q.params.children?.get("RoleSessionName")?.value, "a bé+");
  });

  test(`more than ${MAX_PARAMETERS} parameters is MalformedInput, not slow work`, () => {
    const body = Array.from({ length: MAX_PARAMETERS + 1 }, (_, i) => `P${i}=x`).join("&");
    rejects(() => post(body), "MalformedInput");
  });
});

describe("lists and structures", () => {
  const read = (body: string) => readParams(stsActionParams.AssumeRole, post(`RoleArn=${ROLE}&RoleSessionName=s1&${body}`).params);

  test("Tags.member.N.Key/Value become an ordered array of structures", () => {
    const p = read("Tags.member.2.Key=B&Tags.member.2.Value=2&Tags.member.1.Key=A&Tags.member.1.Value=1");
    assert.deepEqual(p.Tags, [
      { Key: "A", Value: "1" },
      { Key: "B", Value: "2" },
    ]);
  });

  test("lists of strings: TransitiveTagKeys.member.N", () => {
    const p = read("Tags.member.1.Key=A&Tags.member.1.Value=&TransitiveTagKeys.member.1=A");
    assert.deepEqual(p.TransitiveTagKeys, ["A"]);
    assert.deepEqual(p.Tags, [{ Key: "A", Value: "" }]);
  });

  test("PolicyArns.member.N.arn and ProvidedContexts.member.N.ProviderArn/ContextAssertion", () => {
    const p = read(
      "PolicyArns.member.1.arn=arn:aws:iam::aws:policy/ReadOnlyAccess" +
        "&ProvidedContexts.member.1.ProviderArn=arn:aws:iam::aws:contextProvider/IdentityCenter&ProvidedContexts.member.1.ContextAssertion=abcd",
    );
    assert.deepEqual(p.PolicyArns, [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }]);
    assert.deepEqual(p.ProvidedContexts, [{ ProviderArn: "arn:aws:iam::aws:contextProvider/IdentityCenter", ContextAssertion: "abcd" }]);
  });

  test("`Tags=` (how SDKs send an empty list) is an empty list", () => {
    assert.deepEqual(read("Tags=&PolicyArns=").Tags, []);
  });

  test("absent optional members are absent, unknown parameters are ignored", () => {
    const p = read("Unknown=1&Tags.member.1.Unknown=2&Tags.member.1.Key=K&Tags.member.1.Value=V");
    assert.equal(p.DurationSeconds, undefined);
    assert.equal("Unknown" in p, false);
    assert.deepEqual(p.Tags, [{ Key: "K", Value: "V" }]);
  });

  test("a gap in the member numbering is MalformedInput", () => {
    rejects(() => read("TransitiveTagKeys.member.1=A&TransitiveTagKeys.member.3=C"), "MalformedInput", /member 2/);
  });

  test("numbering must start at 1", () => {
    rejects(() => read("TransitiveTagKeys.member.2=A"), "MalformedInput");
    rejects(() => read("TransitiveTagKeys.member.0=A"), "MalformedInput");
  });

  test("non-canonical indexes (which would collide: 1 and 01) are MalformedInput", () => {
    rejects(() => read("TransitiveTagKeys.member.1=A&TransitiveTagKeys.member.01=B"), "MalformedInput", /'01'/);
    rejects(() => read("TransitiveTagKeys.member.x=A"), "MalformedInput");
  });

  test("the same full name twice keeps the first value", () => {
    const p = read("Tags.member.1.Key=First&Tags.member.1.Key=Second&Tags.member.1.Value=v");
    assert.deepEqual(p.Tags, [{ Key: "First", Value: "v" }]);
  });

  test("a tag without Value is 'Member must not be null' at tags.1.member.value", () => {
    rejects(
      () => read("Tags.member.1.Key=K"),
      "ValidationError",
      "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
    );
  });

  test("a list member with no value at all reads as null", () => {
    rejects(
      () => read("TransitiveTagKeys.member.1.x=A"),
      "ValidationError",
      "1 validation error detected: Value null at 'transitiveTagKeys.1.member' failed to satisfy constraint: Member must not be null",
    );
  });
});

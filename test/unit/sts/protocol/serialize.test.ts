// Wire rendering: success and error documents, escaping, timestamps, JSON twins.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AWS_FAULT_XMLNS,
  STS_XMLNS,
  StsErrors,
  errorResponse,
  escapeXml,
  negotiateFormat,
  successResponse,
} from "../../../../src/sts/protocol/index.ts";

describe("escapeXml", () => {
  test("escapes & < > in text, so ']]>' cannot appear; quotes stay literal as in AWS messages", () => {
    assert.equal(escapeXml(`<a href="x">&'</a>]]>`), `&lt;a href="x"&gt;&amp;'&lt;/a&gt;]]&gt;`);
  });
  test("keeps TAB and LF, writes CR as a character reference", () => {
    assert.equal(escapeXml("a\tb\nc\rd"), "a\tb\nc&#13;d");
  });
  test("replaces characters XML 1.0 cannot carry with U+FFFD", () => {
    assert.equal(escapeXml("a\u0000b\u0001c\u001Fd\uFFFEe\uFFFF"), "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD");
    assert.equal(escapeXml("x\uD800y\uDC00z"), "x\uFFFDy\uFFFDz"); // unpaired surrogates
    assert.equal(escapeXml("😀é"), "😀é"); // paired surrogates and BMP text stay
  });
});

describe("success response", () => {
  const result = {
    Credentials: {
      AccessKeyId: "ASIAEXAMPLE",
      SecretAccessKey: "s<&>",
      SessionToken: "t]]>",
      Expiration: new Date("2031-05-06T07:08:09.123Z"),
    },
    AssumedRoleUser: { AssumedRoleId: "AROA:s", Arn: "arn:aws:sts::1:assumed-role/R/s" },
    PackedPolicySize: 6,
    SourceIdentity: undefined,
  };

  test("XML: Response/Result/ResponseMetadata in the STS namespace, laid out like AWS", () => {
    const r = successResponse("AssumeRole", result, "rid-1", "xml");
    assert.equal(r.status, 200);
    assert.equal(r.headers["Content-Type"], "text/xml");
    assert.equal(r.headers["x-amzn-RequestId"], "rid-1");
    assert.equal(
      r.body,
      `<AssumeRoleResponse xmlns="${STS_XMLNS}">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>s&lt;&amp;&gt;</SecretAccessKey>
      <SessionToken>t]]&gt;</SessionToken>
      <Expiration>2031-05-06T07:08:09.123Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROA:s</AssumedRoleId>
      <Arn>arn:aws:sts::1:assumed-role/R/s</Arn>
    </AssumedRoleUser>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>rid-1</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`,
    );
  });

  test("an operation without output members still has an (empty) Result element", () => {
    const r = successResponse("Nothing", {}, "rid", "xml");
    assert.match(r.body, /<NothingResult><\/NothingResult>/);
  });

  test("arrays become <member> lists", () => {
    const r = successResponse("List", { Keys: ["a", "b"] }, "rid", "xml");
    assert.match(r.body, /<Keys>\n\s+<member>a<\/member>\n\s+<member>b<\/member>\n\s+<\/Keys>/);
  });

  test("JSON: the same tree, Expiration as epoch seconds (sts.md §1.1)", () => {
    const r = successResponse("AssumeRole", result, "rid-2", "json");
    assert.equal(r.headers["Content-Type"], "application/json");
    assert.deepEqual(JSON.parse(r.body), {
      AssumeRoleResponse: {
        AssumeRoleResult: {
          Credentials: { AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s<&>", SessionToken: "t]]>", Expiration: 1935817689 },
          AssumedRoleUser: { AssumedRoleId: "AROA:s", Arn: "arn:aws:sts::1:assumed-role/R/s" },
          PackedPolicySize: 6,
        },
        ResponseMetadata: { RequestId: "rid-2" },
      },
    });
  });

  test("values the wire cannot carry are programming errors, not silent output", () => {
    assert.throws(() => successResponse("X", { N: Number.NaN }, "rid", "xml"));
    assert.throws(() => successResponse("X", { D: new Date("nope") }, "rid", "json"));
    assert.throws(() => successResponse("X", { "bad name": "v" }, "rid", "xml"));
    assert.throws(() => successResponse("X", { F: () => 1 } as unknown as object, "rid", "xml"));
  });
});

describe("ErrorResponse", () => {
  test("XML: Error{Type,Code,Message} with RequestId as its sibling, no ResponseMetadata", () => {
    const r = errorResponse(StsErrors.idpRejectedClaim("bad <claim> & more"), "rid-3", "xml");
    assert.equal(r.status, 403);
    assert.equal(r.headers["Content-Type"], "text/xml");
    assert.equal(r.headers["x-amzn-RequestId"], "rid-3");
    assert.equal(
      r.body,
      `<ErrorResponse xmlns="${STS_XMLNS}">
  <Error>
    <Type>Sender</Type>
    <Code>IDPRejectedClaim</Code>
    <Message>bad &lt;claim&gt; &amp; more</Message>
  </Error>
  <RequestId>rid-3</RequestId>
</ErrorResponse>
`,
    );
    assert.doesNotMatch(r.body, /ResponseMetadata/);
  });

  test("server faults are Type Receiver", () => {
    const r = errorResponse(StsErrors.internalFailure(new Error("boom")), "rid", "xml");
    assert.equal(r.status, 500);
    assert.match(r.body, /<Type>Receiver<\/Type>/);
    assert.doesNotMatch(r.body, /boom/);
  });

  test("InvalidAction carries the AWSFault namespace, as real STS", () => {
    const r = errorResponse(StsErrors.invalidAction("NoSuchAction", "2011-06-15"), "rid", "xml");
    assert.match(r.body, new RegExp(`^<ErrorResponse xmlns="${AWS_FAULT_XMLNS}">`));
    assert.match(r.body, /<Message>Could not find operation NoSuchAction for version 2011-06-15<\/Message>/);
  });

  test("JSON twin: {Error:{Code,Message,Type},RequestId}", () => {
    const r = errorResponse(StsErrors.throttling(), "rid-4", "json");
    assert.equal(r.status, 400);
    assert.equal(r.body, '{"Error":{"Code":"Throttling","Message":"Rate exceeded","Type":"Sender"},"RequestId":"rid-4"}');
  });
});

describe("negotiateFormat", () => {
  test("JSON only when application/json is listed", () => {
    assert.equal(negotiateFormat(undefined), "xml");
    assert.equal(negotiateFormat("*/*"), "xml");
    assert.equal(negotiateFormat("text/xml"), "xml");
    assert.equal(negotiateFormat("application/json"), "json");
    assert.equal(negotiateFormat("text/html, Application/JSON;q=0.9"), "json");
    assert.equal(negotiateFormat("application/jsonx"), "xml");
  });
});

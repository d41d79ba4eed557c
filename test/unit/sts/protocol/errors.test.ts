// Error codes, statuses and fault types (sts.md §1.4), and the mapping of everything else.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Denied, DomainError, Expired, Invalid, NotFound, RateLimited, Unavailable } from "../../../../src/errors.ts";
import { MalformedPolicyDocument as IamMalformedPolicy } from "../../../../src/sts/iam/errors.ts";
import { StsError, StsErrors, toStsError } from "../../../../src/sts/protocol/index.ts";

describe("codes and statuses", () => {
  const cases: Array<[StsError, string, number]> = [
    [StsErrors.malformedPolicyDocument("m"), "MalformedPolicyDocument", 400],
    [StsErrors.packedPolicyTooLarge("m"), "PackedPolicyTooLarge", 400],
    [StsErrors.regionDisabled("m"), "RegionDisabledException", 403],
    [StsErrors.expiredTokenException("m"), "ExpiredTokenException", 400],
    [StsErrors.idpRejectedClaim("m"), "IDPRejectedClaim", 403],
    [StsErrors.invalidIdentityToken("m"), "InvalidIdentityToken", 400],
    [StsErrors.idpCommunicationError("m"), "IDPCommunicationError", 400],
    [StsErrors.accessDenied("m"), "AccessDenied", 403],
    [StsErrors.validationError("m"), "ValidationError", 400],
    [StsErrors.expiredToken(), "ExpiredToken", 403],
    [StsErrors.invalidClientTokenId(), "InvalidClientTokenId", 403],
    [StsErrors.signatureDoesNotMatch(), "SignatureDoesNotMatch", 403],
    [StsErrors.incompleteSignature("m"), "IncompleteSignature", 400],
    [StsErrors.missingAuthenticationToken(), "MissingAuthenticationToken", 403],
    [StsErrors.requestExpired("m"), "RequestExpired", 400],
    [StsErrors.throttling(), "Throttling", 400],
    [StsErrors.invalidParameterValue("m"), "InvalidParameterValue", 400],
    [StsErrors.missingParameter("m"), "MissingParameter", 400],
    [StsErrors.missingAction(), "MissingAction", 400],
    [StsErrors.invalidAction("X", undefined), "InvalidAction", 400],
    [StsErrors.malformedInput("m"), "MalformedInput", 400],
    [StsErrors.internalFailure(), "InternalFailure", 500],
    [StsErrors.serviceUnavailable(), "ServiceUnavailable", 503],
  ];
  for (const [err, code, status] of cases) {
    test(`${code} → ${status} ${status >= 500 ? "Receiver" : "Sender"}`, () => {
      assert.equal(err.code, code);
      assert.equal(err.httpStatus, status);
      assert.equal(err.type, status >= 500 ? "Receiver" : "Sender");
    });
  }

  test("default messages are AWS's words", () => {
    assert.equal(StsErrors.invalidClientTokenId().message, "The security token included in the request is invalid.");
    assert.equal(StsErrors.expiredToken().message, "The security token included in the request is expired");
    assert.equal(StsErrors.missingAuthenticationToken().message, "Request is missing Authentication Token");
    assert.equal(StsErrors.throttling().message, "Rate exceeded");
    assert.equal(StsErrors.invalidAction("GetCallerIdentity", undefined).message, "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED");
    assert.equal(StsErrors.invalidAction("GetCallerIdentity", "").message, "Could not find operation GetCallerIdentity for version ");
  });
});

describe("toStsError", () => {
  test("StsError passes through unchanged", () => {
    const e = StsErrors.accessDenied("no");
    assert.equal(toStsError(e), e);
  });

  test("errors carrying an AWS code keep it (IAM engine's MalformedPolicyDocument)", () => {
    const e = toStsError(new IamMalformedPolicy("Syntax errors in policy."));
    assert.equal(e.code, "MalformedPolicyDocument");
    assert.equal(e.httpStatus, 400);
    assert.equal(e.message, "Syntax errors in policy.");
  });

  test("domain errors map by kind", () => {
    assert.equal(toStsError(new Invalid("bad")).code, "ValidationError");
    assert.equal(toStsError(new Denied("no")).code, "AccessDenied");
    assert.equal(toStsError(new Expired("old token")).code, "ExpiredTokenException");
    assert.equal(toStsError(new RateLimited("slow down", 1)).code, "Throttling");
    assert.equal(toStsError(new Unavailable("later")).code, "ServiceUnavailable");
  });

  test("unmapped domain errors and plain errors are InternalFailure with a fixed message", () => {
    for (const err of [new NotFound("role x"), new Error("/srv/secret/path.ts:12 exploded"), "a string", undefined]) {
      const e = toStsError(err);
      assert.equal(e.code, "InternalFailure");
      assert.equal(e.httpStatus, 500);
      assert.doesNotMatch(e.message, /secret|role x|exploded/);
    }
    assert.ok(new NotFound("x") instanceof DomainError);
  });

  test("a database outage is ServiceUnavailable (503)", () => {
    const e = toStsError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
    assert.equal(e.code, "ServiceUnavailable");
    assert.equal(e.httpStatus, 503);
  });
});

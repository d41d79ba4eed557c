// Typed STS errors: the AWS wire code, HTTP status and fault type of every error this STS can
// return. Code strings and statuses follow reference/sts.md §1.4 (modeled errors: the
// `awsQueryError` trait of the STS model; unmodeled ones: what real STS was observed to send).
// Everything that is not an StsError becomes one in error-mapping.ts; serialize.ts renders it.

/** Namespace of STS service errors (same as success responses). */
export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
/**
 * Namespace real STS uses for errors raised by its request router before an operation is
 * found (InvalidAction for an unknown action or version); SDKs ignore it, we copy it anyway.
 * [observed with a real-STS probe: `<ErrorResponse xmlns="http://webservices.amazon.com/AWSFault/2005-15-09">`]
 */
export const AWS_FAULT_XMLNS = "http://webservices.amazon.com/AWSFault/2005-15-09";

export type FaultType = "Sender" | "Receiver";

/** Wire code → HTTP status. The single source for every code this STS emits. */
export const STS_ERROR_STATUS = {
  // modeled (sts.md §1.4 table 1)
  MalformedPolicyDocument: 400,
  PackedPolicyTooLarge: 400,
  RegionDisabledException: 403,
  ExpiredTokenException: 400,
  IDPRejectedClaim: 403,
  InvalidIdentityToken: 400,
  IDPCommunicationError: 400,
  // unmodeled, returned by real STS (sts.md §1.4 table 2)
  AccessDenied: 403,
  ValidationError: 400,
  ExpiredToken: 403,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  IncompleteSignature: 400,
  MissingAuthenticationToken: 403,
  RequestExpired: 400,
  Throttling: 400,
  InvalidParameterValue: 400,
  MissingParameter: 400,
  MissingAction: 400,
  InvalidAction: 400,
  // real STS answers 400 MalformedInput when a number cannot be parsed (DurationSeconds=abc)
  MalformedInput: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  // not an AWS code: our answer to a body over the size limit (see body.ts)
  RequestEntityTooLarge: 413,
} as const;

export type StsErrorCode = keyof typeof STS_ERROR_STATUS;

export function isStsErrorCode(code: unknown): code is StsErrorCode {
  return typeof code === "string" && Object.hasOwn(STS_ERROR_STATUS, code);
}

export class StsError extends Error {
  readonly code: StsErrorCode;
  readonly httpStatus: number;
  /** "Sender" for client faults (4xx), "Receiver" for ours (5xx) — aws-query-protocol.rst */
  readonly type: FaultType;
  readonly xmlns: string;

  constructor(code: StsErrorCode, message: string, opts: { xmlns?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "StsError";
    this.code = code;
    this.httpStatus = STS_ERROR_STATUS[code];
    this.type = this.httpStatus >= 500 ? "Receiver" : "Sender";
    this.xmlns = opts.xmlns ?? STS_XMLNS;
  }
}

const make = (code: StsErrorCode) => (message: string) => new StsError(code, message);

/**
 * Named constructors, one per code. Default messages are AWS's own words where they are known
 * (sts.md §1.4, security.md §4; CommonErrors for InternalFailure/ServiceUnavailable).
 */
export const StsErrors = {
  malformedPolicyDocument: make("MalformedPolicyDocument"),
  packedPolicyTooLarge: make("PackedPolicyTooLarge"),
  regionDisabled: make("RegionDisabledException"),
  /** an expired SAML assertion or web identity token (400; not the request-credential ExpiredToken) */
  expiredTokenException: make("ExpiredTokenException"),
  idpRejectedClaim: make("IDPRejectedClaim"),
  invalidIdentityToken: make("InvalidIdentityToken"),
  idpCommunicationError: make("IDPCommunicationError"),
  accessDenied: make("AccessDenied"),
  validationError: make("ValidationError"),
  /** the request was signed with temporary credentials that have expired (403) */
  expiredToken: (message = "The security token included in the request is expired") => new StsError("ExpiredToken", message),
  invalidClientTokenId: (message = "The security token included in the request is invalid.") =>
    new StsError("InvalidClientTokenId", message),
  signatureDoesNotMatch: (
    message = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  ) => new StsError("SignatureDoesNotMatch", message),
  incompleteSignature: make("IncompleteSignature"),
  missingAuthenticationToken: (message = "Request is missing Authentication Token") => new StsError("MissingAuthenticationToken", message),
  requestExpired: make("RequestExpired"),
  throttling: (message = "Rate exceeded") => new StsError("Throttling", message),
  invalidParameterValue: make("InvalidParameterValue"),
  missingParameter: make("MissingParameter"),
  missingAction: (message = "The request is missing an action or a required parameter.") => new StsError("MissingAction", message),
  /**
   * Unknown action, or Version missing/other than 2011-06-15. Real STS words both the same way:
   * "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED" (400, AWSFault ns).
   */
  invalidAction: (action: string, version: string | undefined) =>
    new StsError("InvalidAction", `Could not find operation ${action} for version ${version ?? "NO_VERSION_SPECIFIED"}`, {
      xmlns: AWS_FAULT_XMLNS,
    }),
  malformedInput: make("MalformedInput"),
  internalFailure: (cause?: unknown) =>
    new StsError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", { cause }),
  serviceUnavailable: (cause?: unknown) =>
    new StsError("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", { cause }),
  requestEntityTooLarge: (limitBytes: number) =>
    new StsError("RequestEntityTooLarge", `The request body exceeds the maximum allowed size of ${limitBytes} bytes.`),
} as const;

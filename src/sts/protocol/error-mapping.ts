// The one place where anything thrown below the STS router becomes an StsError.
// - StsError passes through.
// - Errors carrying an AWS `code` (e.g. iam/errors.ts MalformedPolicyDocument, InvalidArn →
//   ValidationError) keep their code and message.
// - Domain errors (src/errors.ts) map by kind; anything else is InternalFailure (500), whose
//   message never reveals the cause (DESIGN.md "Errors": no stack traces on the wire).
import { DomainError, isDatabaseUnavailable, type ErrorKind } from "../../errors.ts";
import { StsError, StsErrors, isStsErrorCode } from "./errors.ts";

const BY_KIND: Partial<Record<ErrorKind, (message: string) => StsError>> = {
  invalid: StsErrors.validationError,
  denied: StsErrors.accessDenied,
  // inside an action, "expired" means the presented assertion/token expired (sts.md §3b)
  expired: StsErrors.expiredTokenException,
  rate_limited: () => StsErrors.throttling(),
  unavailable: () => StsErrors.serviceUnavailable(),
};

export function toStsError(err: unknown): StsError {
  if (err instanceof StsError) return err;
  if (isDatabaseUnavailable(err)) return StsErrors.serviceUnavailable(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && isStsErrorCode(code)) return new StsError(code, err.message, { cause: err });
  if (err instanceof DomainError) {
    const mapped = BY_KIND[err.kind];
    if (mapped) {
      const e = mapped(err.message);
      return new StsError(e.code, e.message, { cause: err });
    }
  }
  return StsErrors.internalFailure(err);
}

// Why a SAML response was refused, in protocol-neutral form: the STS turns it into an AWS error
// (InvalidIdentityToken, ExpiredTokenException, AccessDenied) and the upstream SAML sign-in into an
// HTML error page plus an audit reason. The message is the STS's wire message, unchanged.
export type RejectionKind = "invalid" | "expired" | "denied";

export class SamlRejected extends Error {
  constructor(
    readonly kind: RejectionKind,
    /** a short machine-readable cause for audit events: signature, issuer, audience, recipient, … */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "SamlRejected";
  }
}

export const rejectInvalid = (reason: string, message: string) => new SamlRejected("invalid", reason, message);

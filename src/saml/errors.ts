// One error type for everything the SAML endpoints refuse. It carries the SAML top-level status
// (Requester/Responder), an optional second-level status, a short machine reason for the audit
// log, and the message shown to people. Whether it goes back to the SP as a SAML status response
// or becomes an HTML page depends on whether the SP and its ACS URL were established first
// (sso.ts): an error is never sent to an ACS URL we have not verified.
export const STATUS = {
  Success: "urn:oasis:names:tc:SAML:2.0:status:Success",
  Requester: "urn:oasis:names:tc:SAML:2.0:status:Requester",
  Responder: "urn:oasis:names:tc:SAML:2.0:status:Responder",
  VersionMismatch: "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch",
  RequestDenied: "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
  NoPassive: "urn:oasis:names:tc:SAML:2.0:status:NoPassive",
  AuthnFailed: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
  UnsupportedBinding: "urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding",
  RequestUnsupported: "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported",
  InvalidNameIDPolicy: "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy",
  PartialLogout: "urn:oasis:names:tc:SAML:2.0:status:PartialLogout",
} as const;

export type TopStatus = "Requester" | "Responder" | "VersionMismatch";
export type SubStatus = Exclude<keyof typeof STATUS, "Success" | TopStatus>;

export class SamlError extends Error {
  readonly top: TopStatus;
  readonly sub?: SubStatus;
  /** short, stable word for audit events and metrics (unknown_sp, bad_signature, replay, ...) */
  readonly reason: string;
  /** HTTP status of the HTML page when there is no SP to answer */
  readonly httpStatus: number;
  readonly detail?: string;

  constructor(top: TopStatus, message: string, opts: { sub?: SubStatus; reason: string; httpStatus?: number; detail?: string }) {
    super(message);
    this.name = "SamlError";
    this.top = top;
    this.sub = opts.sub;
    this.reason = opts.reason;
    this.httpStatus = opts.httpStatus ?? (top === "Responder" ? 500 : opts.sub === "RequestDenied" ? 403 : 400);
    this.detail = opts.detail;
  }
}

// idp_saml_assertions_total{sp, outcome}: one count per SAML sign-in the IdP answers, issued or
// refused. Both labels come from fixed sets: `sp` is the entity ID of a registered SP record (the
// type asks for the record, not a string, so a request's Issuer can never become a label; no
// record: "unknown"), `outcome` is "success" or the SAML status of the refusal in snake case.
import type { ServiceProviderRecord } from "../directory/index.ts";
import type { Metrics } from "../http/index.ts";
import type { SamlError, SubStatus, TopStatus } from "./errors.ts";

export type AssertionMetrics = Pick<Metrics, "samlAssertions">;

const OUTCOME: Record<TopStatus | SubStatus, string> = {
  Requester: "requester",
  Responder: "responder",
  VersionMismatch: "version_mismatch",
  RequestDenied: "request_denied",
  NoPassive: "no_passive",
  AuthnFailed: "authn_failed",
  UnsupportedBinding: "unsupported_binding",
  RequestUnsupported: "request_unsupported",
  InvalidNameIDPolicy: "invalid_name_id_policy",
  PartialLogout: "partial_logout",
};

export const UNKNOWN_SP = "unknown";

/** A response carrying an assertion was sent to the SP. */
export function countIssued(m: AssertionMetrics, sp: ServiceProviderRecord): void {
  m.samlAssertions.inc({ sp: sp.entityId, outcome: "success" });
}

/** A refusal: the most specific SAML status of the error (its second-level status, else its top-level one). */
export function countRefused(m: AssertionMetrics, sp: ServiceProviderRecord | undefined, err: SamlError | "request_denied" | "responder"): void {
  const outcome = typeof err === "string" ? err : OUTCOME[err.sub ?? err.top];
  m.samlAssertions.inc({ sp: sp?.entityId ?? UNKNOWN_SP, outcome });
}

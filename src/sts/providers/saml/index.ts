// AssumeRoleWithSAML's use of the shared hardened verifier (saml/strict): the same checks, with
// refusals turned into the AWS errors AWS sends (InvalidIdentityToken, ExpiredTokenException,
// AccessDenied) and the messages unchanged.
import * as strict from "../../../saml/strict/index.ts";
import { StsErrors, type StsError } from "../../protocol/index.ts";

export { CLOCK_SKEW_MS, parseIdpMetadata, toPem, type AcceptedEndpoints, type SamlFacts, type VerifiedSaml } from "../../../saml/strict/index.ts";

function toStsError(e: strict.SamlRejected): StsError {
  if (e.kind === "expired") return StsErrors.expiredTokenException(e.message);
  if (e.kind === "denied") return StsErrors.accessDenied(e.message);
  return StsErrors.invalidIdentityToken(e.message);
}

function asSts<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof strict.SamlRejected) throw toStsError(err);
    throw err;
  }
}

export const decodeSamlResponse = (base64: string): string => asSts(() => strict.decodeSamlResponse(base64));
export const verifySamlSignature = (xml: string, certificatesPem: readonly string[]): strict.VerifiedSaml => asSts(() => strict.verifySamlSignature(xml, certificatesPem));
export const readAssertion = (v: strict.VerifiedSaml, expectedIssuer: string, accepted: strict.AcceptedEndpoints, now: Date): strict.SamlFacts =>
  asSts(() => strict.readAssertion(v, expectedIssuer, accepted, now));

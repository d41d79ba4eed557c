// One file per STS action; stsActions() lists them for the router.
import type { AnyAction } from "../protocol/index.ts";
import { assumeRoleAction } from "./assume-role.ts";
import { assumeRoleWithSamlAction } from "./assume-role-with-saml.ts";
import { assumeRoleWithWebIdentityAction } from "./assume-role-with-web-identity.ts";
import type { StsDeps } from "./deps.ts";
import { getCallerIdentityAction } from "./get-caller-identity.ts";
import { getFederationTokenAction } from "./get-federation-token.ts";
import { getSessionTokenAction } from "./get-session-token.ts";

export function stsActions(deps: StsDeps): AnyAction[] {
  return [
    assumeRoleWithSamlAction(deps),
    assumeRoleWithWebIdentityAction(deps),
    assumeRoleAction(deps),
    getSessionTokenAction(deps),
    getFederationTokenAction(deps),
    getCallerIdentityAction(),
  ];
}
export { assumeRoleWithSaml, nameQualifier } from "./assume-role-with-saml.ts";
export { assumeRoleWithWebIdentity } from "./assume-role-with-web-identity.ts";
export type { StsDeps } from "./deps.ts";

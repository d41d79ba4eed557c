// Every page of the auth module, as one router mounted by createApp.
import { Router } from "express";
import type { AuditLog } from "../../audit/index.ts";
import type { Render } from "../../http/index.ts";
import type { AuthService } from "../auth-service.ts";
import type { GrantRevoker } from "../session/end-everywhere.ts";
import type { UpstreamLogin } from "../upstream/upstream-login.ts";
import { accountMfaRoutes } from "./account-mfa.ts";
import { accountSessionsRoutes } from "./account-sessions.ts";
import { homeRoutes, type AppsSource, type AwsRolesSource, type ConsentsSource } from "./home.ts";
import { loginMfaRoutes } from "./login-mfa.ts";
import { loginPage, loginRoutes } from "./login.ts";
import { loginUpstreamRoutes } from "./login-upstream.ts";
import { logoutRoutes } from "./logout.ts";

/** `consents`: the OIDC grants of a user, listed on the home page and revoked by "sign out everywhere" */
export function authRouter(deps: { auth: AuthService; audit: AuditLog; directory: AppsSource; render: Render; consents: ConsentsSource & GrantRevoker; upstream: UpstreamLogin; awsRoles?: AwsRolesSource }): Router {
  const r = Router();
  const showLogin = loginPage(deps.render, () => deps.upstream.idps.buttons());
  r.use(loginRoutes(deps.auth, showLogin));
  r.use(loginUpstreamRoutes(deps.auth, deps.upstream, deps.audit));
  r.use(loginMfaRoutes(deps.auth, deps.render, showLogin));
  r.use(logoutRoutes(deps.auth, deps.audit));
  r.use(accountMfaRoutes(deps.auth, deps.render));
  r.use(accountSessionsRoutes({ ...deps, grants: deps.consents }));
  r.use(homeRoutes(deps.directory, deps.render, deps.consents, deps.awsRoles));
  return r;
}

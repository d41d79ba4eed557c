// createApp(services): the Express application. Routers per concept; one error handler last.
import express, { type Express } from "express";
import path from "node:path";
import type { Services } from "./services.ts";
import { adminRouter } from "./admin/index.ts";
import { authRouter, sessionMiddleware } from "./auth/index.ts";
import { awsLaunchRoles, samlRouter } from "./saml/index.ts";
import { VIEWS_DIR, accessLog, errorHandler, healthRouter, machineEndpoint, notFound, requestId, securityHeaders } from "./http/index.ts";

/** what the STS endpoint answers (Express routes HEAD with GET) */
const STS_METHODS = new Set(["POST", "GET", "HEAD"]);

export interface AppHandle {
  app: Express;
  /** flips /readyz to 503 so a load balancer drains this instance before shutdown */
  markShuttingDown(): void;
}

export function createApp(s: Services): AppHandle {
  let shuttingDown = false;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", s.config.trustProxy);
  app.set("query parser", "simple");

  const observe = [accessLog(s.logger), s.metrics.middleware(), securityHeaders({ https: s.config.cookieSecure })];
  // OIDC endpoints machines call (token, introspection, revocation, userinfo, discovery, JWKS): the
  // hot path skips the async request context (and the web session); see OidcService.machineRouter
  app.use(s.oidc.machineRouter(observe));
  // STS (AWS Query protocol, POST|GET /sts), the same way; it reads the raw body itself (SigV4)
  // and needs no web session. Other methods and paths under /sts fall through to the 404.
  const sts = machineEndpoint([...observe, s.sts.handler()], { route: "/sts/" });
  app.use("/sts", (req, res, next) => (req.path === "/" && STS_METHODS.has(req.method) ? sts(req, res, next) : next()));
  app.use(requestId());
  app.use(...observe);
  app.use("/static", express.static(path.join(VIEWS_DIR, "static"), { maxAge: "1h", index: false }));
  app.use(healthRouter({ db: s.db, metrics: s.metrics, isShuttingDown: () => shuttingDown }));

  // --- feature routers (each module exposes a router factory through its index.ts) ---
  // The session middleware comes first: every router below can read res.locals.user/.session.
  app.use(sessionMiddleware(s.auth));
  app.use(authRouter({ auth: s.auth, audit: s.audit, directory: s.directory, render: s.render, consents: s.oidc.consents, upstream: s.upstream, awsRoles: awsLaunchRoles(s.directory, s.config.baseUrl) }));
  // admin pages (/admin, web session + admin group) and admin JSON API (/api/admin, bearer tokens)
  app.use(adminRouter(s));
  // SAML IdP (metadata, SSO, SLO) and the local AWS sign-in at /aws/saml
  app.use(samlRouter(s));
  // OpenID Connect provider at the root (issuer = base URL): authorization, interaction pages, /device, logout
  app.use(s.oidc.router());

  app.use(notFound);
  app.use(errorHandler({ logger: s.logger, metrics: s.metrics, render: s.render }));
  return { app, markShuttingDown: () => void (shuttingDown = true) };
}

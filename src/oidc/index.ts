// The OpenID Connect provider (oidc-provider 9) as one service and one router:
//   services.oidc = new OidcService(...)        built in createServices
//   app.use(services.oidc.machineRouter())      before the web-session middleware (token endpoint etc.)
//   app.use(services.oidc.router())             after it (authorization, login/consent, /device)
// Both at the root: issuer = IDP_BASE_URL, discovery at /.well-known/openid-configuration.
// Also exported: the AWS claim codec (aws-claims.ts) and the client-secret sealing helpers.
import "./quiet-runtime-warning.ts"; // first: before any module that imports oidc-provider
import { Router, type RequestHandler, type Response } from "express";
import type { Provider } from "oidc-provider";
import type { AuditLog } from "../audit/index.ts";
import type { AuthService } from "../auth/index.ts";
import type { Config } from "../config.ts";
import type { DirectoryService } from "../directory/index.ts";
import type { RawSql } from "../db/index.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { machineEndpoint, type Logger, type Metrics, type Render } from "../http/index.ts";
import type { CryptoBox, KeyService } from "../keys/index.ts";
import { accountFinder } from "./account.ts";
import { adapterFactory, sweepExpired } from "./adapter.ts";
import { ClientSource } from "./clients.ts";
import { ConsentStore, consentRouter } from "./consents.ts";
import { ROUTES } from "./constants.ts";
import { DEVICE_POLL_INTERVAL, DevicePollLimiter } from "./device-poll.ts";
import { auditEvents, grantRevokedByAdapter } from "./events.ts";
import { countGrants } from "./grant-metrics.ts";
import { interactionRouter } from "./interactions.ts";
import { buildProvider } from "./provider.ts";
import { ReloginMarks } from "./relogin.ts";

export * from "./aws-claims.ts";
export { sealClientSecret, openClientSecret } from "./client-secrets.ts";
export { ACR_MFA, ACR_PASSWORD, ADMIN_SCOPES, adminApiResource, SCOPE_CLAIMS, ROUTES } from "./constants.ts";
export type { Consent } from "./consents.ts";

export interface OidcDeps {
  config: Config;
  prisma: PrismaClient;
  /** the adapter's statements (Database.sql: the pg pool on PostgreSQL, Prisma on PGlite) */
  sql: RawSql;
  directory: DirectoryService;
  keys: KeyService;
  box: CryptoBox;
  render: Render;
  audit: AuditLog;
  logger: Logger;
  /** idp_oidc_grants_total */
  metrics: Pick<Metrics, "oidcGrants">;
  auth: AuthService;
  /** keys signing the provider's cookies (derived from the master key) */
  cookieKeys: string[];
}

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** paths machines call: no browser, no web session (served before the session middleware) */
const MACHINE_PATHS = new Set(["/.well-known/openid-configuration", ROUTES.token, ROUTES.introspection, ROUTES.revocation, ROUTES.userinfo, ROUTES.device_authorization, ROUTES.pushed_authorization_request]);
/** paths people's browsers visit (the web session matters); /jwks is ours (it also publishes next and retired keys) */
const BROWSER_PATHS = [ROUTES.authorization, ROUTES.end_session, ROUTES.code_verification];

export class OidcService {
  readonly clients: ClientSource;
  readonly consents: ConsentStore;
  #provider: Provider;
  #handler: RequestHandler;
  #unsubscribe: () => void;
  #sweeper?: NodeJS.Timeout;
  readonly #polls: DevicePollLimiter;
  readonly #sql: RawSql;

  constructor(private readonly d: OidcDeps) {
    this.#sql = d.sql;
    this.clients = new ClientSource(d.directory, d.box);
    this.consents = new ConsentStore(d.prisma, d.sql, d.directory);
    this.#polls = new DevicePollLimiter(d.prisma);
    [this.#provider, this.#handler] = this.#build();
    // new signing key → new provider (its keystore is fixed at construction)
    this.#unsubscribe = d.keys.onChange(() => {
      try {
        [this.#provider, this.#handler] = this.#build();
      } catch (err) {
        d.logger.error({ err }, "oidc: rebuilding the provider after a key change failed; keeping the previous one");
      }
    });
  }

  /** The live provider instance (replaced when the signing key changes). */
  get provider(): Provider {
    return this.#provider;
  }

  /**
   * Token, introspection, revocation, userinfo, device authorization, discovery and JWKS.
   * Mounted first in the app, as machine endpoints (http/machine-endpoint.ts): a request id and
   * the given middleware (access log, metrics, security headers), no per-request async context.
   */
  machineRouter(middleware: RequestHandler[] = []): RequestHandler {
    const endpoint: RequestHandler = (req, res, next) => {
      if (MACHINE_PATHS.has(req.path)) return this.#handler(req, res, next);
      res.setHeader("Cache-Control", "public, max-age=300");
      res.type("application/jwk-set+json").send(JSON.stringify(this.d.keys.jwks()));
    };
    const run = machineEndpoint([...middleware, endpoint]);
    return (req, res, next) => {
      const jwks = req.path === ROUTES.jwks && (req.method === "GET" || req.method === "HEAD");
      if (!jwks && !MACHINE_PATHS.has(req.path)) return next();
      run(req, res, next);
    };
  }

  /** Authorization, interactions (login, consent), /device, logout, consent withdrawal. */
  router(): Router {
    const r = Router();
    r.use(interactionRouter({ provider: () => this.#provider, directory: this.d.directory, audit: this.d.audit, render: this.d.render, relogin: new ReloginMarks(this.d.prisma) }));
    r.use(consentRouter(this.consents, this.d.audit));
    r.use((req, res, next) => {
      const p = req.path;
      if (BROWSER_PATHS.some((x) => p === x || p.startsWith(`${x}/`))) return this.#handler(req, res, next);
      next();
    });
    return r;
  }

  start(): void {
    this.#sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  async sweep(): Promise<number> {
    try {
      return await sweepExpired(this.#sql);
    } catch (err) {
      this.d.logger.warn({ err }, "oidc sweep failed; will retry");
      return 0;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#unsubscribe();
  }

  #build(): [Provider, RequestHandler] {
    const { d } = this;
    const provider = buildProvider(
      {
        config: d.config,
        directory: d.directory,
        render: d.render,
        adapter: adapterFactory(this.#sql, this.clients, grantRevokedByAdapter),
        findAccount: accountFinder(d.directory, d.config.baseUrl),
        cookieKeys: d.cookieKeys,
        rememberedGrant: (accountId, clientId) => this.consents.grantIdFor(accountId, clientId),
      },
      d.keys,
      (p) => {
        auditEvents(p, d.audit, d.logger);
        countGrants(p, d.metrics);
        // RP-initiated logout that signs out of the provider also ends the idp-gateway web session
        p.use(async (ctx, next) => {
          await next();
          const body = ctx.body as Record<string, unknown> | undefined;
          if (ctx.oidc?.route === "device_authorization" && ctx.status === 200 && body) body.interval = DEVICE_POLL_INTERVAL;
          if (ctx.oidc?.route === "token" && body?.error === "authorization_pending" && !(await this.#polls.allow(String(ctx.oidc.params?.device_code)))) {
            ctx.body = { error: "slow_down", error_description: `poll at most every ${DEVICE_POLL_INTERVAL} seconds` };
          }
          if (ctx.oidc?.route === "end_session_confirm" && ctx.oidc.params?.logout && ctx.status === 303) {
            await d.auth.endSession(ctx.res as unknown as Response);
            await d.audit.record({ action: "logout", outcome: "success", target: ctx.oidc.session?.accountId, details: { via: "oidc end_session" } });
          }
        });
      },
    );
    const callback = provider.callback();
    return [provider, (req, res) => void callback(req, res)];
  }
}

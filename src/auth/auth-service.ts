// The auth module's long-lived parts, built once per app instance (services.ts): session store,
// CSRF, throttle, credentials, MFA and the login flow. Routers and middleware take it whole.
import type { Request, Response } from "express";
import type { AuditLog } from "../audit/index.ts";
import type { Config } from "../config.ts";
import type { RawSql } from "../db/index.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger, Metrics } from "../http/index.ts";
import { Csrf, deriveKey } from "./csrf/csrf.ts";
import { Credentials } from "./login/credentials.ts";
import { localAuthenticator, type Authenticate } from "./login/local-strategy.ts";
import { LoginService } from "./login/login-service.ts";
import { LoginThrottle } from "./login/throttle.ts";
import { MfaService } from "./mfa/mfa-service.ts";
import type { SecretBox } from "./mfa/totp-secrets.ts";
import type { PasswordHasher } from "./password.ts";
import { clearCookie, cookieNames, setCookie, type CookieNames } from "./session/cookies.ts";
import { endEverywhere, type EndedEverywhere, type GrantRevoker } from "./session/end-everywhere.ts";
import { SessionStore, type NewSession } from "./session/session-store.ts";
import { UserSessions } from "./session/user-sessions.ts";
import type { SessionView } from "./locals.ts";
import { StartLimiter } from "./upstream/start-limit.ts";

const SWEEP_INTERVAL_MS = 10 * 60_000;

export interface AuthDeps {
  config: Config;
  prisma: PrismaClient;
  /** the hot paths' raw SQL (Database.sql) */
  sql: RawSql;
  audit: AuditLog;
  metrics: Metrics;
  logger: Logger;
  passwords: PasswordHasher;
  box: SecretBox;
  /** the 32-byte master key; only a derived CSRF key is kept */
  masterKey: Buffer;
  /** injectable clock for tests; defaults to the system clock */
  now?: () => Date;
}

export class AuthService {
  readonly cookies: CookieNames;
  readonly secure: boolean;
  readonly sessions: SessionStore;
  /** a user's sessions as the /account/sessions and admin pages show them (opaque handles) */
  readonly userSessions: UserSessions;
  readonly csrf: Csrf;
  readonly throttle: LoginThrottle;
  /** sign-ins through upstream IdPs started per client address (in memory, per process) */
  readonly upstreamStarts: StartLimiter;
  readonly mfa: MfaService;
  readonly login: LoginService;
  readonly authenticate: Authenticate;
  /** the module's clock (injectable for tests) */
  readonly now: () => Date;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly deps: AuthDeps) {
    const { config, prisma, audit } = deps;
    const now = (this.now = deps.now ?? (() => new Date()));
    this.secure = config.cookieSecure;
    this.cookies = cookieNames(this.secure);
    this.sessions = new SessionStore(prisma, deps.sql, { ...config.session, now });
    this.userSessions = new UserSessions(prisma, deriveKey(deps.masterKey, "session handles v1"), { idleSeconds: config.session.idleSeconds, now });
    this.csrf = new Csrf({ key: deriveKey(deps.masterKey, "csrf v1"), cookieName: this.cookies.csrf, secure: this.secure, origin: new URL(config.baseUrl).origin, audit });
    this.throttle = new LoginThrottle(prisma, deps.sql, config.lockout, now);
    this.upstreamStarts = new StartLimiter(config.lockout.upstreamStartsPerMinute, () => now().getTime());
    this.mfa = new MfaService({ prisma, box: deps.box, audit, issuer: config.totpIssuer, now });
    this.login = new LoginService({ prisma, credentials: new Credentials(prisma, deps.sql, deps.passwords), throttle: this.throttle, limits: config.lockout, mfa: this.mfa, audit, metrics: deps.metrics });
    this.authenticate = localAuthenticator(this.login);
  }

  /**
   * Starts a session with a fresh id and sets its cookie, deleting the request's current session
   * row if any: regeneration at each authentication step defeats session fixation. Null, with
   * nothing changed, when the user's access ended since `input.epoch` was read.
   */
  async startSession(req: Request, res: Response, input: Omit<NewSession, "ip" | "userAgent">): Promise<SessionView | null> {
    const created = await this.sessions.create({ ...input, ip: req.ip, userAgent: req.get("user-agent") }, res.locals.session?.id);
    if (!created) return null;
    const { cookieValue, session } = created;
    setCookie(res, this.cookies.session, cookieValue, this.secure);
    res.locals.session = session;
    return session;
  }

  async endSession(res: Response): Promise<void> {
    const session = res.locals.session;
    if (session) await this.sessions.destroy(session.id);
    clearCookie(res, this.cookies.session, this.secure);
    res.locals.session = undefined;
    res.locals.user = undefined;
  }

  /** Every web session and OIDC grant of a user ends, audited as `e.action`, in one transaction. */
  endEverywhere(grants: GrantRevoker, e: { userId: string; username: string; actor: string; action: string }): Promise<EndedEverywhere> {
    return endEverywhere({ prisma: this.deps.prisma, sessions: this.sessions, grants, audit: this.deps.audit }, e);
  }

  /** Periodic clean-up of expired sessions and stale throttle rows (reads ignore them anyway). */
  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async sweep(): Promise<void> {
    try {
      await this.sessions.sweep();
      await this.throttle.sweep();
    } catch (err) {
      this.deps.logger.warn({ err }, "auth sweep failed; will retry");
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

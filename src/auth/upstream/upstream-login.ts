// Sign-in through an upstream OpenID Connect IdP: authorization code flow with PKCE (S256), state
// and nonce. openid-client does the protocol checks (state, the token exchange, the ID token's
// signature, iss, aud, nonce, exp); this module decides who signs in and audits the outcome.
// openid-client's passport strategy is not used: it keeps its state in an express-session
// `req.session`, which this app does not have (sessions are ours and regenerated at login).
// Every failure is audited as login.failure (method "upstream:<slug>", a reason) and becomes a
// DomainError, i.e. the HTML error page; nothing is written before the ID token is verified.
import * as oidc from "openid-client";
import type { AuditLog } from "../../audit/index.ts";
import type { DirectoryService, DirectoryUser } from "../../directory/index.ts";
import { Denied, DomainError, Invalid, NotFound, Unavailable } from "../../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Metrics } from "../../http/index.ts";
import type { SecretBox } from "../mfa/totp-secrets.ts";
import { UpstreamAccounts } from "./accounts.ts";
import { LoginStates, sameState } from "./login-states.ts";
import { isUnreachable, UpstreamClients } from "./upstream-clients.ts";
import { UpstreamIdps, type UpstreamIdp } from "./upstream-idps.ts";

export interface UpstreamLoginDeps {
  prisma: PrismaClient;
  box: SecretBox;
  audit: AuditLog;
  metrics: Metrics;
  directory: DirectoryService;
  baseUrl: string;
  now: () => Date;
}

export interface UpstreamSignIn {
  user: DirectoryUser;
  /** "fed", plus "mfa" when the upstream says it used more than one factor */
  amr: string[];
  authTime: Date;
  returnTo: string | null;
}

/** Creates the web session (AuthService.startSession); false when the user's access ended since `epoch` was read. */
export type StartSession = (s: { userId: string; epoch: number; amr: string[]; authTime: Date }) => Promise<boolean>;

/** upstream amr values that mean a second factor was used (RFC 8176) */
const MFA_AMR = new Set(["mfa", "otp"]);
const NO_SUCH = "There is no such sign-in option.";

export class UpstreamLogin {
  readonly idps: UpstreamIdps;
  readonly clients = new UpstreamClients();
  private readonly states: LoginStates;
  private readonly accounts: UpstreamAccounts;

  constructor(private readonly deps: UpstreamLoginDeps) {
    this.idps = new UpstreamIdps(deps);
    this.states = new LoginStates(deps.prisma, deps.now);
    this.accounts = new UpstreamAccounts(deps);
  }

  /** The redirect URI to register at the upstream IdP for this slug. */
  redirectUri(slug: string): string {
    return `${this.deps.baseUrl.replace(/\/$/, "")}/login/upstream/${slug}/callback`;
  }

  /** Starts a sign-in: the URL to send the browser to, and the state for its cookie. */
  async begin(slug: string, returnTo: string | undefined, forceLogin: boolean): Promise<{ url: string; state: string }> {
    const idp = await this.idps.enabled(slug);
    if (!idp) throw new NotFound(NO_SUCH);
    const config = await this.configuration(idp);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = await this.states.begin({ upstreamId: idp.id, nonce, codeVerifier, returnTo: returnTo ?? null });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(slug),
      scope: idp.scopes.join(" "),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      ...(forceLogin ? { prompt: "login" } : {}),
    });
    return { url: url.href, state };
  }

  /** Completes a sign-in from the callback URL and the state cookie, starting the user's session. */
  async finish(slug: string, originalUrl: string, cookieState: string | undefined, startSession: StartSession): Promise<UpstreamSignIn> {
    const idp = await this.idps.enabled(slug);
    if (!idp) throw new NotFound(NO_SUCH);
    const fail = (reason: string, err: DomainError) => this.failure(idp, reason, err);
    const current = new URL(originalUrl, this.deps.baseUrl);
    const state = current.searchParams.get("state") ?? undefined;
    if (!sameState(state, cookieState)) {
      throw await fail("state_mismatch", new Invalid(`This sign-in through ${idp.displayName} did not start in this browser, or it has already finished. Start again from the sign-in page.`));
    }
    const pending = await this.states.consume(state!);
    if (!pending || pending.upstreamId !== idp.id) {
      throw await fail("state_unknown", new Invalid(`This sign-in through ${idp.displayName} has expired or was already used. Start again from the sign-in page.`));
    }
    const upstreamError = current.searchParams.get("error");
    if (upstreamError) {
      const reason = `upstream_${/^[a-z_]{1,40}$/.test(upstreamError) ? upstreamError : "error"}`;
      throw await fail(reason, new Denied(upstreamError === "access_denied" ? `Sign-in through ${idp.displayName} was cancelled or refused.` : `${idp.displayName} could not sign you in.`));
    }
    const config = await this.configuration(idp);
    let claims: oidc.IDToken;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.codeVerifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true });
      claims = tokens.claims()!;
    } catch (err) {
      if (isUnreachable(err)) throw await fail("upstream_unreachable", unreachable(idp, err));
      if (err instanceof oidc.ResponseBodyError) throw await fail("token_exchange_failed", new Denied(`${idp.displayName} did not accept the sign-in (${err.error}). Start again from the sign-in page.`));
      throw await fail("id_token_invalid", new Denied(`The answer from ${idp.displayName} could not be verified, so you were not signed in.`));
    }

    let resolved;
    try {
      resolved = await this.accounts.resolve({ upstreamId: idp.id, slug: idp.slug, usernameClaim: idp.usernameClaim, claims });
    } catch (err) {
      if (err instanceof DomainError) throw await fail("no_local_user", err);
      throw err;
    }
    const { user, created, epoch } = resolved;
    if (user.disabled) throw await fail("disabled", new Denied("This account is disabled. Ask an administrator."));
    const upstreamAmr = Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === "string") : [];
    const amr = upstreamAmr.some((a) => MFA_AMR.has(a)) ? ["fed", "mfa"] : ["fed"];
    const now = this.deps.now();
    const authTime = typeof claims.auth_time === "number" && claims.auth_time * 1000 <= now.getTime() ? new Date(claims.auth_time * 1000) : now;
    if (!(await startSession({ userId: user.id, epoch, amr, authTime }))) {
      // an admin action or sign-out-everywhere committed while this sign-in was in flight
      throw await fail("access_ended", new Denied("This sign-in has ended: your account changed while you were signing in. Sign in again."));
    }
    this.deps.metrics.logins.inc({ outcome: "success" });
    await this.deps.audit.record({ action: "login.success", outcome: "success", actor: user.username, target: user.username, details: { method: `upstream:${idp.slug}`, amr, upstreamAmr, created } });
    return { user, amr, authTime, returnTo: pending.returnTo };
  }

  private async configuration(idp: UpstreamIdp & { clientSecret: string }): Promise<oidc.Configuration> {
    try {
      return await this.clients.configuration(idp);
    } catch (err) {
      throw await this.failure(idp, "discovery_failed", unreachable(idp, err));
    }
  }

  private async failure(idp: UpstreamIdp, reason: string, err: DomainError): Promise<DomainError> {
    this.deps.metrics.logins.inc({ outcome: "failure" });
    await this.deps.audit.record({ action: "login.failure", outcome: "failure", target: `upstream:${idp.slug}`, details: { method: `upstream:${idp.slug}`, reason } });
    return err;
  }
}

function unreachable(idp: UpstreamIdp, cause: unknown): Unavailable {
  return new Unavailable(`${idp.displayName} cannot be reached right now, so you could not be signed in through it. Try again later, or sign in with a password.`, cause);
}

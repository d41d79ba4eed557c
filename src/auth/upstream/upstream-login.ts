// Sign-in through an upstream IdP.
// OpenID Connect: authorization code flow with PKCE (S256), state and nonce. openid-client does
// the protocol checks (state, the token exchange, the ID token's signature, iss, aud, nonce, exp).
// SAML 2.0: an AuthnRequest by HTTP-Redirect, signed with the active signing key, with the state
// as RelayState, the response posted to the ACS and checked by saml-sp.ts (InResponseTo = this
// state's request), its assertion ID used once (the shared SAML replay cache). For both, this
// module decides who signs in (the same account rules, accounts.ts; group mappers, group-sync.ts)
// and audits the outcome.
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
import type { KeyService } from "../../keys/index.ts";
import { ReplayCache } from "../../saml/replay.ts";
import { CLOCK_SKEW_MS, SamlRejected } from "../../saml/strict/index.ts";
import type { SecretBox } from "../mfa/totp-secrets.ts";
import { UpstreamAccounts } from "./accounts.ts";
import { UpstreamGroupMappings } from "./group-mappings.ts";
import { syncGroups } from "./group-sync.ts";
import { LoginStates, sameState, type PendingLogin } from "./login-states.ts";
import { authnRequestUrl, newRequestId, spMetadata, UpstreamStatus, verifyUpstreamResponse, type SpEndpoints } from "./saml-sp.ts";
import { isUnreachable, UpstreamClients } from "./upstream-clients.ts";
import { UpstreamIdps, type OidcUpstream, type SamlUpstream, type UpstreamIdp } from "./upstream-idps.ts";

export interface UpstreamLoginDeps {
  prisma: PrismaClient;
  box: SecretBox;
  audit: AuditLog;
  metrics: Metrics;
  directory: DirectoryService;
  /** signs our SAML AuthnRequests (the active key) and lists the certificates our SP metadata publishes */
  keys: Pick<KeyService, "activeKey" | "publishedKeys">;
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
const TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

export class UpstreamLogin {
  readonly idps: UpstreamIdps;
  readonly clients = new UpstreamClients();
  readonly groupMappings: UpstreamGroupMappings;
  private readonly states: LoginStates;
  private readonly accounts: UpstreamAccounts;
  private readonly replay: ReplayCache;

  constructor(private readonly deps: UpstreamLoginDeps) {
    this.idps = new UpstreamIdps(deps);
    this.groupMappings = new UpstreamGroupMappings(deps);
    this.states = new LoginStates(deps.prisma, deps.now);
    this.accounts = new UpstreamAccounts(deps);
    this.replay = new ReplayCache(deps.prisma);
  }

  /** The redirect URI to register at the upstream IdP for this slug. */
  redirectUri(slug: string): string {
    return `${this.deps.baseUrl.replace(/\/$/, "")}/login/upstream/${slug}/callback`;
  }

  /** SAML: our SP entity ID (= the URL of our SP metadata) and ACS URL for this slug. */
  samlEndpoints(slug: string): SpEndpoints {
    const at = `${this.deps.baseUrl.replace(/\/$/, "")}/login/upstream/${slug}`;
    return { entityId: `${at}/metadata`, acsUrl: `${at}/acs` };
  }

  /** SAML: the SP metadata to register at the upstream IdP, or undefined when no enabled SAML IdP has this slug. */
  async samlMetadata(slug: string): Promise<string | undefined> {
    const idp = await this.idps.enabled(slug);
    return idp?.protocol === "saml" ? spMetadata(this.samlEndpoints(slug), this.deps.keys.publishedKeys()) : undefined;
  }

  /**
   * Starts a sign-in: the URL to send the browser to, the state for its cookie, and whether the
   * answer comes back as a cross-site POST (SAML), which a SameSite=Lax cookie would not follow.
   */
  async begin(slug: string, returnTo: string | undefined, forceLogin: boolean): Promise<{ url: string; state: string; crossSitePost: boolean }> {
    const idp = await this.idps.enabled(slug);
    if (!idp) throw new NotFound(NO_SUCH);
    if (idp.protocol === "saml") {
      const id = newRequestId();
      const state = await this.states.begin({ upstreamId: idp.id, requestId: id, returnTo: returnTo ?? null });
      return { url: authnRequestUrl(idp, this.samlEndpoints(slug), { id, now: this.deps.now(), relayState: state, forceAuthn: forceLogin, privateKey: this.deps.keys.activeKey().privateKey }), state, crossSitePost: true };
    }
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
    return { url: url.href, state, crossSitePost: false };
  }

  /** Completes a sign-in from the callback URL and the state cookie, starting the user's session. */
  async finish(slug: string, originalUrl: string, cookieState: string | undefined, startSession: StartSession): Promise<UpstreamSignIn> {
    const idp = await this.idps.enabled(slug);
    if (!idp || idp.protocol !== "oidc") throw new NotFound(NO_SUCH);
    const fail = (reason: string, err: DomainError) => this.failure(idp, reason, err);
    const current = new URL(originalUrl, this.deps.baseUrl);
    const state = current.searchParams.get("state") ?? undefined;
    const pending = await this.pending(idp, state, cookieState);
    if (!pending.codeVerifier || !pending.nonce) throw await fail("state_unknown", stateEnded(idp));
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

    const upstreamAmr = Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === "string") : [];
    const now = this.deps.now();
    const authTime = typeof claims.auth_time === "number" && claims.auth_time * 1000 <= now.getTime() ? new Date(claims.auth_time * 1000) : now;
    return this.signIn(idp, claims, claims, { mfa: upstreamAmr.some((a) => MFA_AMR.has(a)), authTime, details: { upstreamAmr } }, pending, startSession);
  }

  /** Completes a SAML sign-in from the form posted to the ACS (SAMLResponse, RelayState) and the state cookie. */
  async finishSaml(slug: string, body: Record<string, unknown>, cookieState: string | undefined, startSession: StartSession): Promise<UpstreamSignIn> {
    const idp = await this.idps.enabled(slug);
    if (!idp || idp.protocol !== "saml") throw new NotFound(NO_SUCH);
    const fail = (reason: string, err: DomainError, extra?: Record<string, unknown>) => this.failure(idp, reason, err, extra);
    const relayState = typeof body.RelayState === "string" ? body.RelayState : undefined;
    const pending = await this.pending(idp, relayState, cookieState);
    if (!pending.requestId) throw await fail("state_unknown", stateEnded(idp));
    const now = this.deps.now();
    let verified;
    try {
      verified = verifyUpstreamResponse(idp, this.samlEndpoints(slug), body.SAMLResponse, pending.requestId, now);
    } catch (err) {
      if (err instanceof UpstreamStatus) throw await fail("upstream_access_denied", new Denied(`Sign-in through ${idp.displayName} was cancelled or refused.`), { status: err.code });
      if (err instanceof SamlRejected) throw await fail(`response_${err.reason}`, new Denied(`The answer from ${idp.displayName} could not be verified, so you were not signed in.`), { message: err.message });
      throw err;
    }
    const { facts } = verified;
    // a one-time NameID names no account: linking by it would make a new user at every sign-in
    if (facts.subjectFormat === TRANSIENT) throw await fail("nameid_transient", new Denied(`${idp.displayName} sent a one-time (transient) NameID, which cannot identify an account here. Ask an administrator.`));
    // one use per assertion, across instances, until it would be refused as expired anyway
    if (!(await this.replay.claim("upstream-assertion", idp.issuer, facts.assertionId, new Date(facts.notOnOrAfter.getTime() + CLOCK_SKEW_MS)))) {
      throw await fail("response_replayed", new Denied(`This answer from ${idp.displayName} was already used. Start again from the sign-in page.`));
    }
    const authTime = verified.authnInstant && verified.authnInstant.getTime() <= now.getTime() ? verified.authnInstant : now;
    return this.signIn(idp, verified.claims, allValues(facts.attributes), { mfa: verified.mfa, authTime, details: { nameIdFormat: facts.subjectFormat } }, pending, startSession);
  }

  /** The sign-in in flight for this state: it must match the browser's cookie, exist, and belong to this IdP. */
  private async pending(idp: UpstreamIdp, state: string | undefined, cookieState: string | undefined): Promise<PendingLogin> {
    if (!sameState(state, cookieState)) {
      throw await this.failure(idp, "state_mismatch", new Invalid(`This sign-in through ${idp.displayName} did not start in this browser, or it has already finished. Start again from the sign-in page.`));
    }
    const pending = await this.states.consume(state!);
    if (!pending || pending.upstreamId !== idp.id) throw await this.failure(idp, "state_unknown", stateEnded(idp));
    return pending;
  }

  /**
   * Links or creates the local user for a verified upstream identity, applies the IdP's group
   * mappers to `groupClaims` (OIDC: the ID token's claims; SAML: every value of each attribute) and
   * starts their session (both protocols).
   */
  private async signIn(
    idp: UpstreamIdp,
    claims: Record<string, unknown>,
    groupClaims: Record<string, unknown>,
    how: { mfa: boolean; authTime: Date; details: Record<string, unknown> },
    pending: PendingLogin,
    startSession: StartSession,
  ): Promise<UpstreamSignIn> {
    const fail = (reason: string, err: DomainError) => this.failure(idp, reason, err);
    let resolved;
    try {
      resolved = await this.accounts.resolve({ upstreamId: idp.id, slug: idp.slug, usernameClaim: idp.usernameClaim, claims });
    } catch (err) {
      if (err instanceof DomainError) throw await fail("no_local_user", err);
      throw err;
    }
    const { created, epoch } = resolved;
    if (resolved.user.disabled) throw await fail("disabled", new Denied("This account is disabled. Ask an administrator."));
    let user: DirectoryUser;
    try {
      user = await syncGroups(this.deps.directory, resolved.user, await this.groupMappings.mappers(idp.id), groupClaims, `upstream:${idp.slug}`);
    } catch (err) {
      // no session with groups the upstream no longer grants
      if (err instanceof DomainError) throw await fail("group_sync_failed", new Unavailable("Your groups could not be updated from the sign-in, so you were not signed in. Try again."));
      throw err;
    }
    const amr = how.mfa ? ["fed", "mfa"] : ["fed"];
    const authTime = how.authTime;
    if (!(await startSession({ userId: user.id, epoch, amr, authTime }))) {
      // an admin action or sign-out-everywhere committed while this sign-in was in flight
      throw await fail("access_ended", new Denied("This sign-in has ended: your account changed while you were signing in. Sign in again."));
    }
    this.deps.metrics.logins.inc({ outcome: "success" });
    await this.deps.audit.record({ action: "login.success", outcome: "success", actor: user.username, target: user.username, details: { method: `upstream:${idp.slug}`, amr, ...how.details, created, claimNames: claimNames(groupClaims) } });
    return { user, amr, authTime, returnTo: pending.returnTo };
  }

  private async configuration(idp: OidcUpstream): Promise<oidc.Configuration> {
    try {
      return await this.clients.configuration(idp);
    } catch (err) {
      throw await this.failure(idp, "discovery_failed", unreachable(idp, err));
    }
  }

  private async failure(idp: UpstreamIdp, reason: string, err: DomainError, extra: Record<string, unknown> = {}): Promise<DomainError> {
    this.deps.metrics.logins.inc({ outcome: "failure" });
    await this.deps.audit.record({ action: "login.failure", outcome: "failure", target: `upstream:${idp.slug}`, details: { method: `upstream:${idp.slug}`, reason, ...extra } });
    return err;
  }
}

/** The names (never the values) of what the upstream sent, for admins writing group mappers; capped. */
const claimNames = (claims: Record<string, unknown>) => Object.keys(claims).sort().slice(0, 50);

/** SAML attributes as claims for the group mappers: each Name with all its values (one Name may appear in several Attribute elements). */
function allValues(attributes: readonly { name: string; values: readonly string[] }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of attributes) if (a.name) (Object.hasOwn(out, a.name) ? out[a.name]! : (out[a.name] = [])).push(...a.values);
  return out;
}

function stateEnded(idp: UpstreamIdp): Invalid {
  return new Invalid(`This sign-in through ${idp.displayName} has expired or was already used. Start again from the sign-in page.`);
}

function unreachable(idp: UpstreamIdp, cause: unknown): Unavailable {
  return new Unavailable(`${idp.displayName} cannot be reached right now, so you could not be signed in through it. Try again later, or sign in with a password.`, cause);
}

// The login decision, step by step, with the throttle around each step:
//   1. client IP over its failure budget → 429 (before any password work; not counted again)
//   2. account locked → 423, even for the right password (not verified at all)
//   3. the attempt is counted against the account before it is checked (throttle.ts: concurrent
//      guesses cannot all slip past step 2); beyond the threshold's worth in flight → 429, uncounted
//   4. password (credentials.ts); a failure stays counted and also counts for the IP, a success
//      clears the account's count
//   5. second factor when enrolled; a wrong code counts toward the same account lockout
//   6. the session is created under the user's session epoch read with the credentials; an admin
//      reset, disable or sign-out-everywhere that committed in between refuses it (session-store.ts
//      create): a failure, audited as "access_ended", but not a guess, so not counted
// A correct password alone neither counts nor clears when a second factor is due: otherwise a
// thief with the password could alternate password and code guesses forever.
import type { AuditLog } from "../../audit/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { Locked, RateLimited, Unauthenticated } from "../../errors.ts";
import type { Metrics } from "../../http/index.ts";
import type { MfaMethod, MfaPurpose, MfaService } from "../mfa/mfa-service.ts";
import { Credentials, type CredentialUser, type FailureReason } from "./credentials.ts";
import { ipKey } from "./ip-key.ts";
import { accountKey, type LoginThrottle, type ThrottleLimits } from "./throttle.ts";

export type PasswordStep = { ok: true; user: CredentialUser } | { ok: false };

/** Creates the session a passed step earns; false when the user's access ended since the credentials were read. */
export type OpenSession<T> = (passed: T) => Promise<boolean>;

/** the MFA step's refusal when access ended after the password step (the user knows the password was right) */
export const SIGN_IN_ENDED = "This sign-in has ended: your account changed while you were signing in. Sign in again.";

export interface Account {
  id: string;
  username: string;
}

type LoginOutcome = "success" | "failure" | "locked" | "rate_limited";

export class LoginService {
  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      credentials: Credentials;
      throttle: LoginThrottle;
      limits: ThrottleLimits;
      mfa: MfaService;
      audit: AuditLog;
      metrics: Metrics;
    },
  ) {}

  /** Steps 1–4, then `open` creates the session (pending the second factor when one is enrolled). */
  async password(username: string, password: string, ip: string | undefined, open: OpenSession<CredentialUser>): Promise<PasswordStep> {
    const keys = { account: accountKey(username), ip: ipKey(ip) };
    const place = await this.admit(keys, username);
    const result = await this.deps.credentials.verify(username, password);
    if (!result.ok) {
      await this.fail(keys, place, username, "login.failure", result.reason);
      return { ok: false };
    }
    if (!(await open(result.user))) {
      // answered like a wrong password: the refusal must not confirm that the password was right
      await this.refuse(keys, username);
      return { ok: false };
    }
    if (result.user.totpEnabled) await this.deps.throttle.releaseAttempt(keys.account);
    else await this.succeed(keys, result.user, { amr: ["pwd"] });
    return result;
  }

  /**
   * A second-factor code (TOTP or recovery code) for `purpose`; null when it was wrong. For "login",
   * `open` then creates the signed-in session; Unauthenticated (SIGN_IN_ENDED) when it could not.
   */
  async secondFactor(account: Account, code: string, ip: string | undefined, purpose: MfaPurpose, open?: OpenSession<MfaMethod>): Promise<MfaMethod | null> {
    const keys = { account: accountKey(account.username), ip: ipKey(ip) };
    const place = await this.admit(keys, account.username);
    const check = await this.deps.mfa.check(account, code, purpose);
    if (!check.ok && check.reason === "not_enrolled") {
      await this.deps.throttle.releaseAttempt(keys.account); // nothing to guess
      return null;
    }
    if (!check.ok) {
      await this.fail(keys, place, account.username, purpose === "login" ? "login.failure" : null, `mfa_${check.reason}`);
      return null;
    }
    if (purpose !== "login") {
      await this.deps.throttle.recordAccountSuccess(keys.account);
      return check.method;
    }
    if (!open) throw new Error("a login's second factor needs the session to open");
    if (!(await open(check.method))) {
      await this.refuse(keys, account.username);
      throw new Unauthenticated(SIGN_IN_ENDED);
    }
    await this.succeed(keys, account, { amr: ["pwd", "otp"], mfa: check.method });
    return check.method;
  }

  /** Username of a session's user (pending-MFA sessions do not expose the user to handlers). */
  async account(userId: string): Promise<Account | null> {
    return this.deps.prisma.user.findUnique({ where: { id: userId }, select: { id: true, username: true } });
  }

  /** Steps 1–3: refuses a throttled attempt, or counts it against the account and lets it through (its place in the count). */
  private async admit(keys: { account: string; ip: string }, username: string): Promise<number> {
    const { throttle } = this.deps;
    const { ipWait, lockWait } = await throttle.check(keys);
    if (ipWait > 0) {
      // counted, not audited one by one: a refused flood must not become an audit-table flood
      // (the moment the address hit its limit was audited once, as login.rate_limit)
      this.deps.metrics.logins.inc({ outcome: "rate_limited" });
      throw new RateLimited(`Too many failed sign-in attempts from your network. Try again in ${humanDuration(ipWait)}.`, ipWait);
    }
    const attempt = lockWait > 0 ? { reserved: false as const, lockedFor: lockWait } : await throttle.reserveAttempt(keys.account);
    if (attempt.reserved) return attempt.failures;
    if (attempt.lockedFor === 0) {
      // not a failure, so neither audited nor counted: the attempts in flight decide the lock
      this.deps.metrics.logins.inc({ outcome: "rate_limited" });
      throw new RateLimited("Too many sign-in attempts for this account at once. Try again in a moment.", 1);
    }
    await this.ipFailure(keys.ip);
    await this.outcome("locked", "login.failure", username, { reason: "locked" });
    throw lockedError(attempt.lockedFor);
  }

  private async fail(keys: { account: string; ip: string }, place: number, username: string, action: string | null, reason: FailureReason | string): Promise<void> {
    const account = await this.deps.throttle.settleFailure(keys.account, place);
    await this.ipFailure(keys.ip);
    if (action) await this.outcome("failure", action, username, { reason });
    if (account.justLocked) {
      await this.deps.audit.record({ action: "login.lockout", outcome: "denied", target: username.slice(0, 256), details: { failures: place } });
    }
    if (account.lockedFor > 0) throw lockedError(account.lockedFor);
  }

  /** Step 6's refusal: the credentials were right, so neither the account nor the address counts it. */
  private async refuse(keys: { account: string }, username: string): Promise<void> {
    await this.deps.throttle.releaseAttempt(keys.account);
    await this.outcome("failure", "login.failure", username, { reason: "access_ended" });
  }

  private async ipFailure(key: string): Promise<void> {
    if (await this.deps.throttle.recordIpFailure(key)) {
      await this.deps.audit.record({ action: "login.rate_limit", outcome: "denied", target: key, details: { limit: this.deps.limits.ipFailureLimit, windowSeconds: this.deps.limits.ipWindowSeconds } });
    }
  }

  private async succeed(keys: { account: string }, user: Account, details: Record<string, unknown>): Promise<void> {
    await this.deps.throttle.recordAccountSuccess(keys.account);
    await this.outcome("success", "login.success", user.username, details, user.username);
  }

  private async outcome(outcome: LoginOutcome, action: string, username: string, details: Record<string, unknown>, actor?: string): Promise<void> {
    this.deps.metrics.logins.inc({ outcome });
    await this.deps.audit.record({ action, outcome: outcome === "success" ? "success" : "failure", actor, target: username.slice(0, 256), details });
  }
}

export function lockedError(seconds: number): Locked {
  return new Locked(`Too many failed sign-in attempts. This account is locked for ${humanDuration(seconds)}; try again after that.`, seconds);
}

/** "15 minutes", "1 minute", "40 seconds" — rounded up, as a person reads a wait. */
export function humanDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}

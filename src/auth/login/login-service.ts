// The login decision, step by step, with the throttle around each step:
//   1. client IP over its failure budget → 429 (before any password work; not counted again)
//   2. account locked → 423, even for the right password (not verified at all)
//   3. password (credentials.ts); a failure counts for the account and the IP
//   4. second factor when enrolled; a wrong code counts toward the same account lockout
// A correct password alone does not reset the account's count when a second factor is due:
// otherwise a thief with the password could alternate password and code guesses forever.
import type { AuditLog } from "../../audit/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { Locked, RateLimited } from "../../errors.ts";
import type { Metrics } from "../../http/index.ts";
import type { MfaMethod, MfaPurpose, MfaService } from "../mfa/mfa-service.ts";
import { Credentials, type CredentialUser, type FailureReason } from "./credentials.ts";
import { ipKey } from "./ip-key.ts";
import { accountKey, type LoginThrottle, type ThrottleLimits, type ThrottleState } from "./throttle.ts";

export type PasswordStep = { ok: true; user: CredentialUser } | { ok: false };

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

  async password(username: string, password: string, ip: string | undefined): Promise<PasswordStep> {
    const keys = { account: accountKey(username), ip: ipKey(ip) };
    const state = await this.refuseIfThrottled(keys, username);
    const result = await this.deps.credentials.verify(username, password);
    if (!result.ok) {
      await this.fail(keys, username, "login.failure", result.reason);
      return { ok: false };
    }
    if (!result.user.totpEnabled) await this.succeed(keys, result.user, { amr: ["pwd"] }, state.accountHasFailures);
    return result;
  }

  /** A second-factor code (TOTP or recovery code) for `purpose`; null when it was wrong. */
  async secondFactor(account: Account, code: string, ip: string | undefined, purpose: MfaPurpose): Promise<MfaMethod | null> {
    const keys = { account: accountKey(account.username), ip: ipKey(ip) };
    const state = await this.refuseIfThrottled(keys, account.username);
    const check = await this.deps.mfa.check(account, code, purpose);
    if (!check.ok && check.reason === "not_enrolled") return null; // nothing to guess
    if (!check.ok) {
      await this.fail(keys, account.username, purpose === "login" ? "login.failure" : null, `mfa_${check.reason}`);
      return null;
    }
    if (purpose === "login") await this.succeed(keys, account, { amr: ["pwd", "otp"], mfa: check.method }, state.accountHasFailures);
    else if (state.accountHasFailures) await this.deps.throttle.recordAccountSuccess(keys.account);
    return check.method;
  }

  /** Username of a session's user (pending-MFA sessions do not expose the user to handlers). */
  async account(userId: string): Promise<Account | null> {
    return this.deps.prisma.user.findUnique({ where: { id: userId }, select: { id: true, username: true } });
  }

  private async refuseIfThrottled(keys: { account: string; ip: string }, username: string): Promise<ThrottleState> {
    const state = await this.deps.throttle.check(keys);
    const { ipWait, lockWait } = state;
    if (ipWait > 0) {
      // counted, not audited one by one: a refused flood must not become an audit-table flood
      // (the moment the address hit its limit was audited once, as login.rate_limit)
      this.deps.metrics.logins.inc({ outcome: "rate_limited" });
      throw new RateLimited(`Too many failed sign-in attempts from your network. Try again in ${humanDuration(ipWait)}.`, ipWait);
    }
    if (lockWait > 0) {
      await this.ipFailure(keys.ip);
      await this.outcome("locked", "login.failure", username, { reason: "locked" });
      throw lockedError(lockWait);
    }
    return state;
  }

  private async fail(keys: { account: string; ip: string }, username: string, action: string | null, reason: FailureReason | string): Promise<void> {
    const { throttle, audit } = this.deps;
    const account = await throttle.recordAccountFailure(keys.account);
    await this.ipFailure(keys.ip);
    if (action) await this.outcome("failure", action, username, { reason });
    if (account.justLocked) {
      await audit.record({ action: "login.lockout", outcome: "denied", target: username.slice(0, 256), details: { failures: account.failures } });
    }
    if (account.lockedFor > 0) throw lockedError(account.lockedFor);
  }

  private async ipFailure(key: string): Promise<void> {
    if (await this.deps.throttle.recordIpFailure(key)) {
      await this.deps.audit.record({ action: "login.rate_limit", outcome: "denied", target: key, details: { limit: this.deps.limits.ipFailureLimit, windowSeconds: this.deps.limits.ipWindowSeconds } });
    }
  }

  private async succeed(keys: { account: string }, user: Account, details: Record<string, unknown>, hadFailures: boolean): Promise<void> {
    // No row means no failures to forget: skip the write (most logins).
    if (hadFailures) await this.deps.throttle.recordAccountSuccess(keys.account);
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

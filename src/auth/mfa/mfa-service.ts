// TOTP second factor: enrolment (secret → QR → confirm with a code → recovery codes), checking a
// code, disabling. The throttle is not consulted here; second-factor.ts wraps checks with it.
// - Replays: the last accepted time step is stored and the update that accepts a code is
//   conditional on it being older, so two parallel uses of one code cannot both pass (the row
//   lock serialises them and the loser's WHERE no longer matches).
// - Recovery codes are consumed the same way (conditional on usedAt IS NULL).
import QRCode from "qrcode";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { AuditLog } from "../../audit/index.ts";
import { Conflict, Invalid } from "../../errors.ts";
import { RECOVERY_CODE_COUNT, hashRecoveryCode, newRecoveryCode, normalizeRecoveryCode } from "./recovery-codes.ts";
import { matchTotp, newTotpSecret, totpUri } from "./totp.ts";
import { openTotpSecret, sealTotpSecret, type SecretBox } from "./totp-secrets.ts";

export type MfaMethod = "totp" | "recovery_code";
export type MfaPurpose = "login" | "disable" | "recovery_codes";
export type CodeCheck = { ok: true; method: MfaMethod } | { ok: false; reason: "bad_code" | "replay" | "not_enrolled" };

export interface MfaStatus {
  enabled: boolean;
  /** a secret was generated and waits for its confirming code */
  pending: boolean;
  recoveryCodesLeft: number;
}

export interface PendingEnrolment {
  secret: string;
  uri: string;
  /** the otpauth URI as an SVG data URL, drawn here: the secret never leaves for a QR service */
  qrDataUrl: string;
}

interface Account {
  id: string;
  username: string;
}

export class MfaService {
  constructor(private readonly deps: { prisma: PrismaClient; box: SecretBox; audit: AuditLog; issuer: string; now: () => Date }) {}

  async status(userId: string): Promise<MfaStatus> {
    const [user, left] = await Promise.all([
      this.deps.prisma.user.findUnique({ where: { id: userId }, select: { totpEnabled: true, totpSecretEnc: true } }),
      this.deps.prisma.recoveryCode.count({ where: { userId, usedAt: null } }),
    ]);
    const enabled = !!user?.totpEnabled;
    return { enabled, pending: !enabled && !!user?.totpSecretEnc, recoveryCodesLeft: enabled ? left : 0 };
  }

  /** Generates (or replaces) the secret waiting for confirmation. */
  async beginEnrolment(user: Account): Promise<void> {
    const sealed = sealTotpSecret(this.deps.box, user.id, newTotpSecret());
    const { count } = await this.deps.prisma.user.updateMany({ where: { id: user.id, totpEnabled: false }, data: { totpSecretEnc: sealed, totpLastStep: null } });
    if (count === 0) throw new Conflict("Two-step verification is already on. Turn it off first to set up a new authenticator.");
  }

  async cancelEnrolment(user: Account): Promise<void> {
    await this.deps.prisma.user.updateMany({ where: { id: user.id, totpEnabled: false }, data: { totpSecretEnc: null } });
  }

  async pendingEnrolment(user: Account): Promise<PendingEnrolment | null> {
    const row = await this.deps.prisma.user.findUnique({ where: { id: user.id }, select: { totpEnabled: true, totpSecretEnc: true } });
    if (!row || row.totpEnabled || !row.totpSecretEnc) return null;
    const secret = openTotpSecret(this.deps.box, user.id, row.totpSecretEnc);
    const uri = totpUri(secret, this.deps.issuer, user.username);
    const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
    return { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
  }

  /** Turns MFA on when the code matches the pending secret; returns the new recovery codes. */
  /** `also` runs in the enrolment's transaction (ending the sessions authenticated without the factor). */
  async confirmEnrolment(user: Account, code: string, also?: (tx: Prisma.TransactionClient) => Promise<unknown>): Promise<string[]> {
    const row = await this.deps.prisma.user.findUnique({ where: { id: user.id }, select: { totpEnabled: true, totpSecretEnc: true } });
    if (!row || row.totpEnabled || !row.totpSecretEnc) throw new Conflict("There is no set-up in progress. Start again.");
    const step = matchTotp(openTotpSecret(this.deps.box, user.id, row.totpSecretEnc), code.trim(), this.deps.now());
    if (step === null) throw new Invalid("That code did not match.", { code: "That code did not match. Enter the 6-digit code your app shows now." });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.deps.prisma.$transaction(async (tx) => {
      // conditional on the very secret we checked: a parallel restart of the set-up wins cleanly
      const { count } = await tx.user.updateMany({
        where: { id: user.id, totpEnabled: false, totpSecretEnc: row.totpSecretEnc },
        data: { totpEnabled: true, totpLastStep: BigInt(step) },
      });
      if (count === 0) throw new Conflict("The set-up changed while you were confirming it. Start again.");
      await replaceRecoveryCodes(tx, user.id, codes);
      await also?.(tx);
      await this.deps.audit.record({ action: "mfa.enrol", outcome: "success", target: user.username, details: { method: "totp" } }, tx);
    });
    return codes;
  }

  /** Checks a TOTP code or a recovery code, consuming it; audits the outcome. */
  async check(user: Account, input: string, purpose: MfaPurpose): Promise<CodeCheck> {
    const result = await this.consume(user.id, input.trim());
    await this.deps.audit.record({
      action: "mfa.verify",
      outcome: result.ok ? "success" : "failure",
      target: user.username,
      details: result.ok ? { purpose, method: result.method } : { purpose, reason: result.reason },
    });
    if (result.ok && result.method === "recovery_code") {
      const left = await this.deps.prisma.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
      await this.deps.audit.record({ action: "mfa.recovery_code_used", outcome: "success", target: user.username, details: { purpose, remaining: left } });
    }
    return result;
  }

  /** Turns MFA off (the caller has just checked a code). */
  async disable(user: Account): Promise<void> {
    await this.deps.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { totpEnabled: false, totpSecretEnc: null, totpLastStep: null } });
      await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
      await this.deps.audit.record({ action: "mfa.disable", outcome: "success", target: user.username }, tx);
    });
  }

  /** New recovery codes replacing every old one (the caller has just checked a code). */
  async regenerateRecoveryCodes(user: Account): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.deps.prisma.$transaction(async (tx) => {
      await replaceRecoveryCodes(tx, user.id, codes);
      await this.deps.audit.record({ action: "mfa.recovery_codes.regenerate", outcome: "success", target: user.username }, tx);
    });
    return codes;
  }

  private async consume(userId: string, input: string): Promise<CodeCheck> {
    const { prisma, box } = this.deps;
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { totpEnabled: true, totpSecretEnc: true } });
    if (!user?.totpEnabled || !user.totpSecretEnc) return { ok: false, reason: "not_enrolled" };
    if (/^\d{6}$/.test(input)) {
      const step = matchTotp(openTotpSecret(box, userId, user.totpSecretEnc), input, this.deps.now());
      if (step === null) return { ok: false, reason: "bad_code" };
      const { count } = await prisma.user.updateMany({
        where: { id: userId, totpEnabled: true, OR: [{ totpLastStep: null }, { totpLastStep: { lt: BigInt(step) } }] },
        data: { totpLastStep: BigInt(step) },
      });
      return count === 1 ? { ok: true, method: "totp" } : { ok: false, reason: "replay" };
    }
    const normalized = normalizeRecoveryCode(input);
    if (!normalized) return { ok: false, reason: "bad_code" };
    const { count } = await prisma.recoveryCode.updateMany({ where: { userId, codeHash: hashRecoveryCode(normalized), usedAt: null }, data: { usedAt: this.deps.now() } });
    return count === 1 ? { ok: true, method: "recovery_code" } : { ok: false, reason: "bad_code" };
  }
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

async function replaceRecoveryCodes(tx: Tx, userId: string, codes: string[]): Promise<void> {
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: hashRecoveryCode(normalizeRecoveryCode(c)!) })) });
}

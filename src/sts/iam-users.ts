// IAM users this STS manages: long-term access keys (AKIA…, secret sealed under the master key)
// for SigV4-signed calls, and virtual TOTP MFA devices for GetSessionToken / AssumeRole
// SerialNumber + TokenCode. A code is accepted once: the device's last used time step only moves
// forward, in one conditional UPDATE, so two instances cannot both accept it.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { Conflict, Invalid, NotFound } from "../errors.ts";
import type { CryptoBox } from "../keys/index.ts";
import { matchTotp, newTotpSecret } from "../auth/mfa/totp.ts";
import type { AuditLog } from "../audit/index.ts";
import { accessKeyAad, iamUserId, newAccessKeyId, newSecretAccessKey } from "./credentials/index.ts";

const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT = /^\d{12}$/;

export interface IamUserInfo {
  name: string;
  accountId: string;
  userId: string;
  arn: string;
}

export class IamUsers {
  constructor(private readonly opts: { prisma: PrismaClient; box: CryptoBox; audit: AuditLog }) {}

  async createUser(accountId: string, name: string, actor = "system"): Promise<IamUserInfo> {
    if (!ACCOUNT.test(accountId)) throw new Invalid("The account ID must be 12 digits.");
    if (!USER_NAME.test(name)) throw new Invalid("IAM user names are 1–64 characters of [\\w+=,.@-].");
    const id = randomUUID();
    const userId = iamUserId(id);
    const res = await this.opts.prisma.iamUser.createMany({ data: [{ id, accountId, name, userId }], skipDuplicates: true });
    if (res.count === 0) throw new Conflict(`The IAM user ${name} already exists.`);
    await this.opts.audit.record({ actor, action: "sts.iam.user.create", target: name, outcome: "success", details: { accountId } });
    return { name, accountId, userId, arn: `arn:aws:iam::${accountId}:user/${name}` };
  }

  async getUser(accountId: string, name: string): Promise<IamUserInfo & { id: string }> {
    const u = await this.opts.prisma.iamUser.findUnique({ where: { accountId_name: { accountId, name } } });
    if (!u) throw new NotFound(`No IAM user ${name} in ${accountId}.`);
    return { id: u.id, name: u.name, accountId: u.accountId, userId: u.userId, arn: `arn:aws:iam::${u.accountId}:user/${u.name}` };
  }

  async createAccessKey(accountId: string, name: string, actor = "system"): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    const user = await this.getUser(accountId, name);
    const accessKeyId = newAccessKeyId("long-term");
    const secretAccessKey = newSecretAccessKey();
    await this.opts.prisma.iamAccessKey.create({
      data: { accessKeyId, userId: user.id, secretEnc: this.opts.box.seal(secretAccessKey, accessKeyAad(accessKeyId)) },
    });
    await this.opts.audit.record({ actor, action: "sts.iam.accesskey.create", target: name, outcome: "success", details: { accessKeyId } });
    return { accessKeyId, secretAccessKey };
  }

  async setAccessKeyStatus(accessKeyId: string, status: "Active" | "Inactive", actor = "system"): Promise<void> {
    const res = await this.opts.prisma.iamAccessKey.updateMany({ where: { accessKeyId }, data: { status } });
    if (res.count === 0) throw new NotFound(`No access key ${accessKeyId}.`);
    await this.opts.audit.record({ actor, action: "sts.iam.accesskey.status", target: accessKeyId, outcome: "success", details: { status } });
  }

  /** A virtual MFA device; returns the serial number and the base32 secret for the authenticator. */
  async createMfaDevice(accountId: string, name: string, deviceName: string, actor = "system"): Promise<{ serialNumber: string; secretBase32: string }> {
    const user = await this.getUser(accountId, name);
    if (!USER_NAME.test(deviceName)) throw new Invalid("MFA device names are 1–64 characters of [\\w+=,.@-].");
    const serialNumber = `arn:aws:iam::${accountId}:mfa/${deviceName}`;
    const secretBase32 = newTotpSecret();
    const res = await this.opts.prisma.iamMfaDevice.createMany({
      data: [{ serialNumber, userId: user.id, secretEnc: this.opts.box.seal(secretBase32, mfaAad(serialNumber)) }],
      skipDuplicates: true,
    });
    if (res.count === 0) throw new Conflict(`The MFA device ${serialNumber} already exists.`);
    await this.opts.audit.record({ actor, action: "sts.iam.mfa.create", target: name, outcome: "success", details: { serialNumber } });
    return { serialNumber, secretBase32 };
  }

  /** True when `code` is a fresh TOTP of the user's device `serialNumber`. */
  async verifyMfa(accountId: string, userName: string, serialNumber: string, code: string, now: Date): Promise<boolean> {
    const d = await this.opts.prisma.iamMfaDevice.findUnique({ where: { serialNumber }, include: { user: true } });
    if (!d || d.user.accountId !== accountId || d.user.name !== userName) return false;
    const step = matchTotp(this.opts.box.open(d.secretEnc, mfaAad(serialNumber)).toString("utf8"), code, now);
    if (step === null) return false;
    const n = await this.opts.prisma.$executeRaw`
      UPDATE iam_mfa_devices SET last_step = ${BigInt(step)} WHERE serial_number = ${serialNumber} AND last_step < ${BigInt(step)}`;
    return n === 1;
  }
}

function mfaAad(serialNumber: string): string {
  return `iam-mfa:${serialNumber}`;
}

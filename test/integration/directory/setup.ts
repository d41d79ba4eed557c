// A DirectoryService on a fresh test database, with helpers to look under it: audit rows, the
// version row, and a count of NOTIFYs this instance has received (to wait for them, not sleep).
import { AuditLog } from "../../../src/audit/index.ts";
import { PasswordHasher } from "../../../src/auth/password.ts";
import type { Database } from "../../../src/db/index.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import type { PrismaClient } from "../../../src/generated/prisma/client.ts";

export interface Instance {
  db: Database;
  prisma: PrismaClient;
  dir: DirectoryService;
  /** NOTIFY payloads received on idp_directory */
  notified: string[];
  /** directory_version as stored */
  version(): Promise<number>;
  /** resolves once every committed directory write has been notified back to this instance */
  settle(): Promise<void>;
  auditCount(prefix?: string): Promise<number>;
  close(): Promise<void>;
}

export async function startInstance(db: Database, opts: { audit?: AuditLog } = {}): Promise<Instance> {
  const notified: string[] = [];
  const listen: Database["listen"] = (channel, handler, onReconnect) =>
    db.listen(channel, (payload) => {
      handler(payload);
      notified.push(payload);
    }, onReconnect);
  const dir = new DirectoryService({ prisma: db.prisma, audit: opts.audit ?? new AuditLog(db.prisma), passwords: new PasswordHasher(2), listen });
  await dir.init();
  const version = async () => Number((await db.prisma.directoryVersion.findUniqueOrThrow({ where: { id: 1 } })).version);
  return {
    db,
    prisma: db.prisma,
    dir,
    notified,
    version,
    async settle() {
      const v = String(await version());
      await until(() => v === "0" || notified.includes(v), "the NOTIFY of the last write");
    },
    auditCount: (prefix = "directory.") => db.prisma.auditEvent.count({ where: { action: { startsWith: prefix } } }),
    close: () => dir.close(),
  };
}

/** Polls `check` every 20 ms for at most `ms`; fails with `what` if it never holds. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const ACCOUNT = "111122223333";
export const SAML_PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/idp-gateway`;
export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
export const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: SAML_PROVIDER }, Action: "sts:AssumeRoleWithSAML" }] };
export const MISSING_ID = "0b8f2a4e-6d0c-4a8e-9f53-2b7c1d9e4a10";

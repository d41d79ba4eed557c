// Username + password → user, or a reason it failed. Every path costs one Argon2id verification
// (a dummy one for unknown users and users without a password), so response time does not tell
// an attacker which usernames exist (OWASP Authentication Cheat Sheet, "Authentication responses").
// Hashes made with older parameters are upgraded on a successful login. Usernames compare
// case-insensitively, as the directory stores them.
import { normalizeUsername } from "../../directory/index.ts";
import type { RawSql } from "../../db/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { PasswordHasher } from "../password.ts";

export type FailureReason = "unknown_user" | "bad_password" | "disabled" | "no_password";

export interface CredentialUser {
  id: string;
  username: string;
  totpEnabled: boolean;
  /** the user's session epoch read with the password hash: the session must be created under it */
  epoch: number;
}

export type CredentialResult = { ok: true; user: CredentialUser } | { ok: false; reason: FailureReason; userId?: string };

/** Longer names are not looked up (nobody's username is this long); the dummy hash still runs. */
export const MAX_USERNAME = 256;

const FIND = {
  name: "login_credentials",
  text: "SELECT id::text AS id, username, disabled, password_hash, totp_enabled, session_epoch FROM users WHERE username = $1",
};

export class Credentials {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: RawSql,
    private readonly passwords: PasswordHasher,
  ) {}

  async verify(username: string, password: string): Promise<CredentialResult> {
    const user = username.length <= MAX_USERNAME ? await this.find(normalizeUsername(username)) : null;
    if (!user || !user.passwordHash) {
      await this.passwords.verifyDummy(password);
      return user ? { ok: false, reason: "no_password", userId: user.id } : { ok: false, reason: "unknown_user" };
    }
    const matches = await this.passwords.verify(user.passwordHash, password);
    if (user.disabled) return { ok: false, reason: "disabled", userId: user.id };
    if (!matches) return { ok: false, reason: "bad_password", userId: user.id };
    if (this.passwords.needsRehash(user.passwordHash)) await this.rehash(user.id, user.passwordHash, password);
    return { ok: true, user: { id: user.id, username: user.username, totpEnabled: user.totpEnabled, epoch: user.epoch } };
  }

  /** Raw SQL (a named statement): this runs on every login, and Prisma's query pipeline costs more than the query. */
  private async find(username: string): Promise<{ id: string; username: string; disabled: boolean; passwordHash: string | null; totpEnabled: boolean; epoch: number } | null> {
    const rows = await this.sql.query<{ id: string; username: string; disabled: boolean; password_hash: string | null; totp_enabled: boolean; session_epoch: number }>(FIND, [username]);
    const row = rows[0];
    return row ? { id: row.id, username: row.username, disabled: row.disabled, passwordHash: row.password_hash, totpEnabled: row.totp_enabled, epoch: row.session_epoch } : null;
  }

  private async rehash(userId: string, oldHash: string, password: string): Promise<void> {
    const fresh = await this.passwords.hash(password);
    // conditional: a password changed meanwhile (admin reset) must not be overwritten
    await this.prisma.user.updateMany({ where: { id: userId, passwordHash: oldHash }, data: { passwordHash: fresh } });
  }
}

// A user's live web sessions as people see them ("your devices"): list them, end one.
// Pages never name a session by its row key (the SHA-256 of the cookie): each session is shown
// under a handle, an HMAC of that key under a server key. A handle reveals nothing about the
// cookie or the row key and cannot be computed without the server key; it is only ever resolved
// among the sessions of the signed-in (or administered) user, so a handle of someone else's
// session — copied, guessed or replayed — matches nothing.
import { createHmac } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { describeUserAgent } from "./user-agent.ts";

export interface SessionSummary {
  /** opaque name of the session for forms; see above */
  handle: string;
  /** "Firefox 128 on Linux", short; the user agent's own text never reaches the page whole */
  browser: string;
  ip: string | null;
  signedInAt: Date;
  lastSeenAt: Date;
  /** a second factor was used (amr has "otp") */
  mfa: boolean;
  /** the session making this request */
  current: boolean;
}

const HANDLE = /^[A-Za-z0-9_-]{22}$/;

export class UserSessions {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly key: Buffer,
    private readonly opts: { idleSeconds: number; now: () => Date },
  ) {}

  handleOf(idHash: string): string {
    return createHmac("sha256", this.key).update(idHash).digest().subarray(0, 16).toString("base64url");
  }

  /** Signed-in sessions that still work (not expired, not idle, second factor done), most recent first. */
  async list(userId: string, currentIdHash?: string): Promise<SessionSummary[]> {
    const now = this.opts.now().getTime();
    const rows = await this.prisma.webSession.findMany({
      where: { userId, pendingMfa: false, expiresAt: { gt: new Date(now) }, lastSeenAt: { gt: new Date(now - this.opts.idleSeconds * 1000) } },
      orderBy: { lastSeenAt: "desc" },
      select: { idHash: true, userAgent: true, ip: true, createdAt: true, lastSeenAt: true, amr: true },
    });
    return rows.map((r) => ({
      handle: this.handleOf(r.idHash),
      browser: describeUserAgent(r.userAgent),
      ip: r.ip,
      signedInAt: r.createdAt,
      lastSeenAt: r.lastSeenAt,
      mfa: r.amr.includes("otp"),
      current: r.idHash === currentIdHash,
    }));
  }

  /**
   * Ends the user's session with this handle; false when none of *their* sessions has it. Returns
   * the row key so the caller can tell whether it was the current session.
   */
  async end(userId: string, handle: string): Promise<{ idHash: string } | undefined> {
    if (!HANDLE.test(handle)) return undefined;
    const rows = await this.prisma.webSession.findMany({ where: { userId }, select: { idHash: true } });
    const match = rows.find((r) => this.handleOf(r.idHash) === handle);
    if (!match) return undefined;
    // userId again in the delete: the row is only ever removed as this user's
    const { count } = await this.prisma.webSession.deleteMany({ where: { idHash: match.idHash, userId } });
    return count === 1 ? match : undefined;
  }
}

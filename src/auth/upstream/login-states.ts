// Upstream sign-ins in flight. The `state` sent upstream (OIDC `state`, SAML RelayState) is 256
// random bits; the browser that started the sign-in keeps the same value in an httpOnly cookie, and
// the server keeps only its SHA-256 with the nonce and PKCE verifier (OIDC) or the AuthnRequest ID
// (SAML), and return_to. The callback needs all three to agree (query state = cookie, compared in constant time; the row exists), and deleting the row is
// the check: a replayed or second callback finds nothing. Rows live ten minutes.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";

export const STATE_TTL_SECONDS = 600;
const STATE = /^[A-Za-z0-9_-]{43}$/;

export interface PendingLogin {
  upstreamId: string;
  /** OIDC */
  nonce?: string | null;
  /** OIDC */
  codeVerifier?: string | null;
  /** SAML: the AuthnRequest's ID */
  requestId?: string | null;
  returnTo: string | null;
}

const hash = (state: string) => createHash("sha256").update(state).digest("hex");

/** A well-formed state: 256 bits, base64url. */
export const isState = (s: unknown): s is string => typeof s === "string" && STATE.test(s);

/** Constant-time equality of two state strings (the query's and the cookie's). */
export function sameState(a: string | undefined, b: string | undefined): boolean {
  if (!isState(a) || !isState(b)) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export class LoginStates {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  /** Records a new sign-in and returns its state (also the cookie value). */
  async begin(login: PendingLogin): Promise<string> {
    const state = randomBytes(32).toString("base64url");
    const now = this.now();
    // expired rows of abandoned sign-ins go here rather than in a timer: each start pays for a few
    await this.prisma.upstreamLoginState.deleteMany({ where: { expiresAt: { lte: now } } });
    await this.prisma.upstreamLoginState.create({ data: { stateHash: hash(state), ...login, expiresAt: new Date(now.getTime() + STATE_TTL_SECONDS * 1000) } });
    return state;
  }

  /** The sign-in for this state, consumed: undefined when unknown, already used or expired. */
  async consume(state: string): Promise<PendingLogin | undefined> {
    const rows = await this.prisma.$queryRaw<{ upstream_id: string; nonce: string | null; code_verifier: string | null; request_id: string | null; return_to: string | null; expires_at: Date }[]>`
      DELETE FROM upstream_login_states WHERE state_hash = ${hash(state)}
      RETURNING upstream_id::text, nonce, code_verifier, request_id, return_to, expires_at`;
    const row = rows[0];
    if (!row || new Date(row.expires_at).getTime() <= this.now().getTime()) return undefined;
    return { upstreamId: row.upstream_id, nonce: row.nonce, codeVerifier: row.code_verifier, requestId: row.request_id, returnTo: row.return_to };
  }
}

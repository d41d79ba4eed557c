// Which local user an upstream account signs in as. The only key is the link (upstream IdP,
// upstream `sub`): an existing link → its user. Without one, a new local user is created
// just in time together with its link, in one directory transaction. An upstream account is NEVER
// attached to an existing local user because a username or email matches: whoever controls the
// upstream could otherwise claim any local account (account takeover).
// The new user's username is the username claim (lower-cased) when it is a valid and free local
// username; otherwise "<claim>.<slug>", then "<claim>.<slug>.2", ".3", …; with no usable claim,
// "<slug>.<first 10 hex of SHA-256(sub)>". The user has no password and no groups.
import { createHash, randomBytes } from "node:crypto";
import type { DirectoryService, DirectoryUser } from "../../directory/index.ts";
import { emailProblem, normalizeUsername, usernameProblem } from "../../directory/index.ts";
import { Conflict } from "../../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";

const MAX_USERNAME = 64;
const NUMBERED_TRIES = 5;

export interface UpstreamIdentity {
  upstreamId: string;
  slug: string;
  usernameClaim: string;
  claims: Record<string, unknown>;
}

export interface ResolvedUser {
  user: DirectoryUser;
  created: boolean;
  /** the user's session epoch, read from the database with the link: the session is created under it */
  epoch: number;
}

/** "<base><suffix>", the base cut so the whole fits a username. */
const fit = (base: string, suffix: string) => `${base.slice(0, MAX_USERNAME - suffix.length).replace(/[._@+-]+$/, "")}${suffix}`;

export function usernameCandidates(slug: string, claimed: unknown, sub: string): string[] {
  const base = typeof claimed === "string" && !usernameProblem(claimed) ? normalizeUsername(claimed) : undefined;
  if (!base) return [`${slug}.${createHash("sha256").update(sub).digest("hex").slice(0, 10)}`];
  const out = [base, fit(base, `.${slug}`)];
  for (let n = 2; n < 2 + NUMBERED_TRIES; n++) out.push(fit(base, `.${slug}.${n}`));
  return out;
}

export class UpstreamAccounts {
  constructor(private readonly deps: { prisma: PrismaClient; directory: DirectoryService }) {}

  async resolve(who: UpstreamIdentity): Promise<ResolvedUser> {
    const sub = String(who.claims.sub);
    const linked = await this.linked(who.upstreamId, sub);
    if (linked) return { ...linked, created: false };
    const candidates = usernameCandidates(who.slug, who.claims[who.usernameClaim], sub);
    // the last resort cannot realistically collide: 40 random bits after the slug
    candidates.push(`${who.slug}.${randomBytes(5).toString("hex")}`);
    for (const username of candidates) {
      if (await this.deps.directory.findUserByUsername(username)) continue;
      try {
        let epoch = 0;
        const user = await this.deps.directory.createUser(profile(username, who.claims), `upstream:${who.slug}`, async (tx, created) => {
          await tx.upstreamLink.create({ data: { upstreamId: who.upstreamId, subject: sub, userId: created.id } });
          epoch = (await tx.user.findUniqueOrThrow({ where: { id: created.id }, select: { sessionEpoch: true } })).sessionEpoch;
          return { upstream: who.slug, subject: sub };
        });
        return { user, created: true, epoch };
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        // a concurrent first sign-in of the same account won (its link exists now), or someone took the username
        const won = await this.linked(who.upstreamId, sub);
        if (won) return { ...won, created: false };
      }
    }
    throw new Conflict("No free username was found for this account.");
  }

  /** The linked user, with their session epoch as the database has it now (the directory's copy is cached). */
  private async linked(upstreamId: string, subject: string): Promise<{ user: DirectoryUser; epoch: number } | undefined> {
    const link = await this.deps.prisma.upstreamLink.findUnique({
      where: { upstreamId_subject: { upstreamId, subject } },
      select: { userId: true, user: { select: { sessionEpoch: true } } },
    });
    const user = link ? await this.deps.directory.findUserById(link.userId) : undefined;
    return user && link ? { user, epoch: link.user.sessionEpoch } : undefined;
  }
}

/** Profile claims worth copying: a verified email and a display name, when they are valid here. */
function profile(username: string, claims: Record<string, unknown>) {
  const email = claims.email_verified === true && typeof claims.email === "string" && !emailProblem(claims.email) ? claims.email.trim() : null;
  const name = typeof claims.name === "string" && claims.name.trim() && claims.name.length <= 256 && !/\p{Cc}/u.test(claims.name) ? claims.name.trim() : null;
  return { username, email, displayName: name };
}

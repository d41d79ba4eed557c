// The upstream OpenID Connect IdPs (UpstreamIdp rows): validated, audited writes for the CLI, and
// the enabled ones for the login page and flow. The client secret is sealed under the master key
// with the row's id as AAD, so a sealed secret copied onto another IdP's row fails to open.
import { randomUUID } from "node:crypto";
import type { AuditLog } from "../../audit/index.ts";
import { Conflict, Invalid, NotFound } from "../../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { SecretBox } from "../mfa/totp-secrets.ts";

/** the login page reads the list on every view; CLI changes come from another process */
const LIST_TTL_MS = 30_000;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const CLAIM = /^[A-Za-z0-9_.:-]{1,64}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;
export const DEFAULT_SCOPES = ["openid", "profile", "email"];
export const DEFAULT_USERNAME_CLAIM = "preferred_username";

export interface UpstreamIdpInput {
  slug: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  usernameClaim?: string;
  enabled?: boolean;
}

export interface UpstreamIdp {
  id: string;
  slug: string;
  displayName: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  usernameClaim: string;
  enabled: boolean;
  updatedAt: Date;
}

/** What the login page shows: a button per enabled IdP. */
export type UpstreamButton = Pick<UpstreamIdp, "slug" | "displayName">;

const SELECT = { id: true, slug: true, displayName: true, issuer: true, clientId: true, scopes: true, usernameClaim: true, enabled: true, updatedAt: true } as const;

const secretAad = (id: string) => `upstream-idp:${id}`;

/** Plain http only for a loopback issuer (a local test IdP); anything reachable over a network must be https. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function validate(i: UpstreamIdpInput): Required<UpstreamIdpInput> {
  const fields: Record<string, string> = {};
  if (typeof i.slug !== "string" || !SLUG.test(i.slug)) fields.slug = "Use 1–32 lower-case letters, digits and -, starting and ending with a letter or digit.";
  const displayName = typeof i.displayName === "string" ? i.displayName.trim() : "";
  if (!displayName || displayName.length > 64) fields.displayName = "Enter a display name of at most 64 characters.";
  let issuer: URL | undefined;
  try {
    issuer = new URL(i.issuer);
  } catch {
    fields.issuer = "Enter the issuer as an absolute URL.";
  }
  if (issuer && (issuer.search || issuer.hash || issuer.username || issuer.password)) fields.issuer = "The issuer URL has no query, fragment or credentials.";
  else if (issuer && issuer.protocol !== "https:" && !(issuer.protocol === "http:" && isLoopbackHost(issuer.hostname))) fields.issuer = "The issuer must be https (plain http only on a loopback address).";
  if (typeof i.clientId !== "string" || !i.clientId || i.clientId.length > 255 || /[\s\u0000-\u001f]/.test(i.clientId)) fields.clientId = "Enter the client id the upstream IdP issued.";
  if (typeof i.clientSecret !== "string" || !i.clientSecret || i.clientSecret.length > 1024) fields.clientSecret = "Enter the client secret (at most 1024 characters).";
  const scopes = [...new Set(i.scopes ?? DEFAULT_SCOPES)];
  if (!scopes.includes("openid") || scopes.length > 20 || !scopes.every((s) => SCOPE.test(s))) fields.scopes = "Scopes are space-separated tokens and include openid.";
  const usernameClaim = i.usernameClaim ?? DEFAULT_USERNAME_CLAIM;
  if (!CLAIM.test(usernameClaim)) fields.usernameClaim = "Name one claim of the ID token.";
  if (Object.keys(fields).length) throw new Invalid(`The upstream IdP is not valid: ${Object.entries(fields).map(([k, m]) => `${k}: ${m}`).join(" ")}`, fields);
  return { slug: i.slug, displayName, issuer: i.issuer, clientId: i.clientId, clientSecret: i.clientSecret, scopes, usernameClaim, enabled: i.enabled ?? true };
}

export class UpstreamIdps {
  private listed?: { at: number; buttons: UpstreamButton[] };

  constructor(private readonly deps: { prisma: PrismaClient; box: SecretBox; audit: AuditLog }) {}

  async add(input: UpstreamIdpInput, actor: string): Promise<UpstreamIdp> {
    const i = validate(input);
    const id = randomUUID();
    const { prisma, audit, box } = this.deps;
    const row = await prisma.$transaction(async (tx) => {
      // the unique index still guards a race between two adds; this gives the usual case a clear message
      if (await tx.upstreamIdp.findUnique({ where: { slug: i.slug }, select: { id: true } })) {
        throw new Conflict(`An upstream IdP with slug ${i.slug} already exists.`, { slug: "Already in use." });
      }
      const created = await tx.upstreamIdp.create({
        data: { id, slug: i.slug, displayName: i.displayName, issuer: i.issuer, clientId: i.clientId, clientSecretEnc: box.seal(i.clientSecret, secretAad(id)), scopes: i.scopes, usernameClaim: i.usernameClaim, enabled: i.enabled },
        select: SELECT,
      });
      await audit.record({ actor, action: "upstream.add", target: `upstream:${i.slug}`, outcome: "success", details: { issuer: i.issuer, clientId: i.clientId, scopes: i.scopes, usernameClaim: i.usernameClaim, enabled: i.enabled } }, tx);
      return created;
    });
    this.listed = undefined;
    return row;
  }

  /** Removes the IdP, its links (the local users stay) and its sign-ins in flight. */
  async remove(slug: string, actor: string): Promise<void> {
    const { prisma, audit } = this.deps;
    await prisma.$transaction(async (tx) => {
      const row = await tx.upstreamIdp.findUnique({ where: { slug }, select: { id: true, _count: { select: { links: true } } } });
      if (!row) throw new NotFound(`No upstream IdP with slug ${slug}.`);
      await tx.upstreamIdp.delete({ where: { id: row.id } });
      await audit.record({ actor, action: "upstream.remove", target: `upstream:${slug}`, outcome: "success", details: { linksRemoved: row._count.links } }, tx);
    });
    this.listed = undefined;
  }

  async setEnabled(slug: string, enabled: boolean, actor: string): Promise<void> {
    const { prisma, audit } = this.deps;
    await prisma.$transaction(async (tx) => {
      const changed = await tx.upstreamIdp.updateMany({ where: { slug }, data: { enabled } });
      if (changed.count !== 1) throw new NotFound(`No upstream IdP with slug ${slug}.`);
      await audit.record({ actor, action: enabled ? "upstream.enable" : "upstream.disable", target: `upstream:${slug}`, outcome: "success" }, tx);
    });
    this.listed = undefined;
  }

  list(): Promise<(UpstreamIdp & { links: number })[]> {
    return this.deps.prisma.upstreamIdp
      .findMany({ select: { ...SELECT, _count: { select: { links: true } } }, orderBy: { slug: "asc" } })
      .then((rows) => rows.map(({ _count, ...r }) => ({ ...r, links: _count.links })));
  }

  /** Enabled IdPs for the login page, cached briefly. */
  async buttons(): Promise<UpstreamButton[]> {
    const now = Date.now();
    if (this.listed && now - this.listed.at < LIST_TTL_MS) return this.listed.buttons;
    const buttons = await this.deps.prisma.upstreamIdp.findMany({ where: { enabled: true }, select: { slug: true, displayName: true }, orderBy: { displayName: "asc" } });
    this.listed = { at: now, buttons };
    return buttons;
  }

  /** An enabled IdP with its client secret, or undefined (unknown and disabled look the same). */
  async enabled(slug: string): Promise<(UpstreamIdp & { clientSecret: string }) | undefined> {
    if (!SLUG.test(slug)) return undefined;
    const row = await this.deps.prisma.upstreamIdp.findFirst({ where: { slug, enabled: true }, select: { ...SELECT, clientSecretEnc: true } });
    if (!row) return undefined;
    const { clientSecretEnc, ...idp } = row;
    return { ...idp, clientSecret: this.deps.box.open(clientSecretEnc, secretAad(row.id)).toString("utf8") };
  }
}

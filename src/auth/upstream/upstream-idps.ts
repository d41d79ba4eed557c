// The upstream IdPs (UpstreamIdp rows), OpenID Connect or SAML 2.0: validated, audited writes for
// the CLI, admin page and admin API (add, update in place, enable, remove), and the enabled ones for the login page and flow. An OIDC client secret
// is sealed under the master key with the row's id as AAD, so a sealed secret copied onto another
// IdP's row fails to open. A SAML IdP has no secret: its signing certificates are public.
import { randomUUID } from "node:crypto";
import type { AuditLog } from "../../audit/index.ts";
import { checkVersion, guarded } from "../../directory/writes/common.ts";
import { Conflict, NotFound } from "../../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { SecretBox } from "../mfa/totp-secrets.ts";
import { planChange, type UpstreamIdpChanges } from "./upstream-changes.ts";
import { fingerprints, SLUG, validate, validateSaml, type SamlUpstreamInput, type UpstreamIdpInput } from "./upstream-validation.ts";

export { DEFAULT_SCOPES, DEFAULT_USERNAME_CLAIM, isLoopbackHost, NAMEID, type OidcUpstreamInput, type SamlUpstreamInput, type UpstreamIdpInput } from "./upstream-validation.ts";
export type { UpstreamIdpChanges } from "./upstream-changes.ts";

/** the login page reads the list on every view; CLI changes come from another process */
const LIST_TTL_MS = 30_000;

export type UpstreamProtocol = "oidc" | "saml";

export interface UpstreamIdp {
  id: string;
  slug: string;
  displayName: string;
  protocol: UpstreamProtocol;
  /** OIDC: the issuer URL; SAML: the IdP's entity ID */
  issuer: string;
  clientId: string | null;
  scopes: string[];
  ssoUrl: string | null;
  certificates: string[];
  /** OIDC: an ID token claim; SAML: an attribute Name or "NameID" */
  usernameClaim: string;
  enabled: boolean;
  /** optimistic concurrency: an update names the version it read */
  version: number;
  updatedAt: Date;
}

export type OidcUpstream = UpstreamIdp & { protocol: "oidc"; clientId: string; clientSecret: string };
export type SamlUpstream = UpstreamIdp & { protocol: "saml"; ssoUrl: string };

/** What the login page shows: a button per enabled IdP. */
export type UpstreamButton = Pick<UpstreamIdp, "slug" | "displayName">;

const SELECT = { id: true, slug: true, displayName: true, protocol: true, issuer: true, clientId: true, scopes: true, ssoUrl: true, certificates: true, usernameClaim: true, enabled: true, version: true, updatedAt: true } as const;

const secretAad = (id: string) => `upstream-idp:${id}`;
const STALE = "This upstream IdP was changed by someone else; reload and try again.";

export class UpstreamIdps {
  private listed?: { at: number; buttons: UpstreamButton[] };

  constructor(private readonly deps: { prisma: PrismaClient; box: SecretBox; audit: AuditLog }) {}

  async add(input: UpstreamIdpInput, actor: string): Promise<UpstreamIdp> {
    if (input.protocol === "saml") return this.addSaml(input, actor);
    const i = validate(input);
    const id = randomUUID();
    const { prisma, audit, box } = this.deps;
    const row = await prisma.$transaction(async (tx) => {
      await slugFree(tx, i.slug);
      const created = await tx.upstreamIdp.create({
        data: { id, slug: i.slug, displayName: i.displayName, issuer: i.issuer, clientId: i.clientId, clientSecretEnc: box.seal(i.clientSecret, secretAad(id)), scopes: i.scopes, usernameClaim: i.usernameClaim, enabled: i.enabled },
        select: SELECT,
      });
      await audit.record({ actor, action: "upstream.add", target: `upstream:${i.slug}`, outcome: "success", details: { issuer: i.issuer, clientId: i.clientId, scopes: i.scopes, usernameClaim: i.usernameClaim, enabled: i.enabled } }, tx);
      return created;
    });
    this.listed = undefined;
    return row as UpstreamIdp;
  }

  private async addSaml(input: SamlUpstreamInput, actor: string): Promise<UpstreamIdp> {
    const i = validateSaml(input);
    const { prisma, audit } = this.deps;
    const row = await prisma.$transaction(async (tx) => {
      await slugFree(tx, i.slug);
      const created = await tx.upstreamIdp.create({
        data: { slug: i.slug, displayName: i.displayName, protocol: "saml", issuer: i.entityId, ssoUrl: i.ssoUrl, certificates: i.certificates, scopes: [], usernameClaim: i.usernameAttribute, enabled: i.enabled },
        select: SELECT,
      });
      await audit.record({ actor, action: "upstream.add", target: `upstream:${i.slug}`, outcome: "success", details: { protocol: "saml", entityId: i.entityId, ssoUrl: i.ssoUrl, certificates: fingerprints(i.certificates), usernameAttribute: i.usernameAttribute, enabled: i.enabled } }, tx);
      return created;
    });
    this.listed = undefined;
    return row as UpstreamIdp;
  }

  /**
   * Changes an IdP in place, keeping its row and so its links (remove + add would drop them). The
   * slug and protocol stay. The issuer (OIDC) or entity ID (SAML) may change only while no user is
   * linked, or with `force`: a link is (IdP row, subject), and subjects are unique only within one
   * issuer, so after a switch to a different IdP its subject "123" would sign in as whoever the old
   * IdP's "123" was linked to. `force` is for the same IdP at a new address (a renamed host, a
   * migrated realm) that keeps its subjects; a different IdP is added as a new one.
   */
  async update(slug: string, version: number, changes: UpstreamIdpChanges, actor: string): Promise<UpstreamIdp> {
    const v = checkVersion(version);
    const { prisma, audit, box } = this.deps;
    const row = await prisma.$transaction(async (tx) => {
      const current = await tx.upstreamIdp.findUnique({ where: { slug }, select: { ...SELECT, _count: { select: { links: true } } } });
      if (!current) throw new NotFound(`No upstream IdP with slug ${slug}.`);
      if (current.version !== v) throw new Conflict(STALE);
      const plan = planChange(current, changes);
      const links = current._count.links;
      if (plan.issuerChanged && links > 0 && changes.force !== true) {
        const what = current.protocol === "saml" ? "entityId" : "issuer";
        throw new Conflict(
          `${links} user${links === 1 ? " is" : "s are"} linked through this IdP, by subjects of its current ${what}; a different IdP's subjects could sign in as them. If this is the same IdP at a new address, repeat with force; otherwise add a new IdP.`,
          { [what]: "Users are linked by the current value: confirm it is the same IdP (force), or add a new IdP." },
        );
      }
      const secret = changes.clientSecret !== undefined ? { clientSecretEnc: box.seal(changes.clientSecret, secretAad(current.id)) } : {};
      const changed = await tx.upstreamIdp.updateMany({ where: { id: current.id, version: v }, data: { ...plan.data, ...secret, version: { increment: 1 } } });
      await guarded("upstream IdP", changed, () => tx.upstreamIdp.findUnique({ where: { id: current.id }, select: { id: true } }));
      const details = plan.issuerChanged && links > 0 ? { ...plan.details, linksKept: links } : plan.details;
      await audit.record({ actor, action: "upstream.update", target: `upstream:${slug}`, outcome: "success", details }, tx);
      return tx.upstreamIdp.findUniqueOrThrow({ where: { id: current.id }, select: SELECT });
    });
    this.listed = undefined;
    return row as UpstreamIdp;
  }

  /** Removes the IdP, its links (the local users stay) and its sign-ins in flight; with a version (the admin API), only if unchanged since read. */
  async remove(slug: string, actor: string, version?: number): Promise<void> {
    const v = version === undefined ? undefined : checkVersion(version);
    const { prisma, audit } = this.deps;
    await prisma.$transaction(async (tx) => {
      const row = await tx.upstreamIdp.findUnique({ where: { slug }, select: { id: true, version: true, _count: { select: { links: true } } } });
      if (!row) throw new NotFound(`No upstream IdP with slug ${slug}.`);
      if (v !== undefined && row.version !== v) throw new Conflict(STALE);
      await tx.upstreamIdp.delete({ where: { id: row.id } });
      await audit.record({ actor, action: "upstream.remove", target: `upstream:${slug}`, outcome: "success", details: { linksRemoved: row._count.links } }, tx);
    });
    this.listed = undefined;
  }

  /** One IdP with its number of links, as list() shows it. */
  async get(slug: string): Promise<UpstreamIdp & { links: number }> {
    const row = await this.deps.prisma.upstreamIdp.findUnique({ where: { slug }, select: { ...SELECT, _count: { select: { links: true } } } });
    if (!row) throw new NotFound(`No upstream IdP with slug ${slug}.`);
    const { _count, ...idp } = row;
    return { ...(idp as UpstreamIdp), links: _count.links };
  }

  async setEnabled(slug: string, enabled: boolean, actor: string): Promise<void> {
    const { prisma, audit } = this.deps;
    await prisma.$transaction(async (tx) => {
      const changed = await tx.upstreamIdp.updateMany({ where: { slug }, data: { enabled, version: { increment: 1 } } });
      if (changed.count !== 1) throw new NotFound(`No upstream IdP with slug ${slug}.`);
      await audit.record({ actor, action: enabled ? "upstream.enable" : "upstream.disable", target: `upstream:${slug}`, outcome: "success" }, tx);
    });
    this.listed = undefined;
  }

  list(): Promise<(UpstreamIdp & { links: number })[]> {
    return this.deps.prisma.upstreamIdp
      .findMany({ select: { ...SELECT, _count: { select: { links: true } } }, orderBy: { slug: "asc" } })
      .then((rows) => rows.map(({ _count, ...r }) => ({ ...(r as UpstreamIdp), links: _count.links })));
  }

  /** Enabled IdPs for the login page, cached briefly. */
  async buttons(): Promise<UpstreamButton[]> {
    const now = Date.now();
    if (this.listed && now - this.listed.at < LIST_TTL_MS) return this.listed.buttons;
    const buttons = await this.deps.prisma.upstreamIdp.findMany({ where: { enabled: true }, select: { slug: true, displayName: true }, orderBy: { displayName: "asc" } });
    this.listed = { at: now, buttons };
    return buttons;
  }

  /** An enabled IdP (an OIDC one with its client secret), or undefined (unknown and disabled look the same). */
  async enabled(slug: string): Promise<OidcUpstream | SamlUpstream | undefined> {
    if (!SLUG.test(slug)) return undefined;
    const row = await this.deps.prisma.upstreamIdp.findFirst({ where: { slug, enabled: true }, select: { ...SELECT, clientSecretEnc: true } });
    if (!row) return undefined;
    const { clientSecretEnc, ...idp } = row;
    if (idp.protocol === "saml") return idp.ssoUrl ? ({ ...idp, protocol: "saml", ssoUrl: idp.ssoUrl } as SamlUpstream) : undefined;
    if (idp.protocol !== "oidc" || !idp.clientId || !clientSecretEnc) return undefined;
    return { ...idp, protocol: "oidc", clientId: idp.clientId, clientSecret: this.deps.box.open(clientSecretEnc, secretAad(row.id)).toString("utf8") } as OidcUpstream;
  }
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** The unique index still guards a race between two adds; this gives the usual case a clear message. */
async function slugFree(tx: Tx, slug: string): Promise<void> {
  if (await tx.upstreamIdp.findUnique({ where: { slug }, select: { id: true } })) {
    throw new Conflict(`An upstream IdP with slug ${slug} already exists.`, { slug: "Already in use." });
  }
}

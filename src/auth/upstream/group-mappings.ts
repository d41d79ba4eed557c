// The group mappers of the upstream IdPs (UpstreamGroupMapping rows): "when <IdP> says claim
// `groups` holds `aws-admins`, the user is in local group `admins`". Validated, audited writes for
// the CLI and the admin page, and the mappers of one IdP for the sign-in (group-sync.ts applies them).
import type { AuditLog } from "../../audit/index.ts";
import { toDomainError } from "../../directory/db-errors.ts";
import { isId } from "../../directory/validation.ts";
import { Conflict, DomainError, Invalid, NotFound } from "../../errors.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { GroupMapper } from "./group-sync.ts";
import { ATTRIBUTE_NAME } from "./upstream-validation.ts";

const MAX_VALUE = 256;

export interface GroupMappingInput {
  /** the upstream IdP's slug */
  slug: string;
  claim: string;
  value: string;
  /** the local group's name */
  group: string;
}

export interface GroupMapping {
  id: string;
  claim: string;
  value: string;
  groupId: string;
  groupName: string;
  createdAt: Date;
}

type Tx = Prisma.TransactionClient;

const SELECT = { id: true, claim: true, value: true, groupId: true, createdAt: true, group: { select: { name: true } } } as const;
const toMapping = ({ group, ...m }: { id: string; claim: string; value: string; groupId: string; createdAt: Date; group: { name: string } }): GroupMapping => ({ ...m, groupName: group.name });

/** The claim and value as stored, or Invalid naming each bad field. */
function validate(i: GroupMappingInput): { claim: string; value: string; group: string } {
  const fields: Record<string, string> = {};
  const claim = typeof i.claim === "string" ? i.claim.trim() : "";
  if (!ATTRIBUTE_NAME.test(claim)) fields.claim = "Name one claim (OIDC) or attribute (SAML): 1–256 letters, digits and _ . : / # -.";
  const value = typeof i.value === "string" ? i.value : "";
  // the value is compared exactly: no trimming, so surrounding spaces are refused rather than silently kept
  if (!value || value.length > MAX_VALUE || /\p{Cc}/u.test(value) || value.trim() !== value) fields.value = `Enter the value to match exactly: 1–${MAX_VALUE} characters, no control characters, no leading or trailing spaces.`;
  const group = typeof i.group === "string" ? i.group.trim() : "";
  if (!group) fields.group = "Choose a local group.";
  if (Object.keys(fields).length) throw new Invalid(`The group mapping is not valid: ${Object.entries(fields).map(([k, m]) => `${k}: ${m}`).join(" ")}`, fields);
  return { claim, value, group };
}

export class UpstreamGroupMappings {
  constructor(private readonly deps: { prisma: PrismaClient; audit: AuditLog }) {}

  /** The IdP's mappers, by claim, value, then group name; NotFound for an unknown slug. */
  async list(slug: string): Promise<GroupMapping[]> {
    const idp = await this.idp(this.deps.prisma, slug);
    const rows = await this.deps.prisma.upstreamGroupMapping.findMany({ where: { upstreamId: idp.id }, select: SELECT, orderBy: [{ claim: "asc" }, { value: "asc" }, { group: { name: "asc" } }] });
    return rows.map(toMapping);
  }

  /** For the sign-in (a hot path): one indexed read, nothing else. */
  mappers(upstreamId: string): Promise<GroupMapper[]> {
    return this.deps.prisma.upstreamGroupMapping.findMany({ where: { upstreamId }, select: { claim: true, value: true, groupId: true } });
  }

  async add(input: GroupMappingInput, actor: string): Promise<GroupMapping> {
    const i = validate(input);
    try {
      return await this.deps.prisma.$transaction(async (tx) => {
        const idp = await this.idp(tx, input.slug);
        const group = await tx.group.findFirst({ where: { name: { equals: i.group, mode: "insensitive" } }, select: { id: true, name: true } });
        if (!group) throw new Invalid(`There is no local group named ${i.group}.`, { group: "No such group." });
        const key = { upstreamId: idp.id, claim: i.claim, value: i.value, groupId: group.id };
        if (await tx.upstreamGroupMapping.findUnique({ where: { upstreamId_claim_value_groupId: key }, select: { id: true } })) throw duplicate(idp.slug, i, group.name);
        const row = await tx.upstreamGroupMapping.create({ data: key, select: SELECT });
        await this.audit(tx, actor, "upstream.group_mapping.add", idp.slug, { claim: i.claim, value: i.value, group: group.name });
        return toMapping(row);
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      // the unique index settles a race between two equal adds (a unique violation names its fields;
      // a foreign key one, for a group or IdP deleted meanwhile, names none)
      const e = toDomainError(err);
      throw e instanceof Conflict && Object.keys(e.fields).length ? duplicate(input.slug, i, i.group) : e;
    }
  }

  async remove(input: GroupMappingInput, actor: string): Promise<void> {
    const i = validate(input);
    await this.removeWhere(input.slug, { claim: i.claim, value: i.value, group: { name: { equals: i.group, mode: "insensitive" } } }, actor, (slug) => `${slug} has no mapping of ${i.claim} = ${i.value} to group ${i.group}.`);
  }

  /** The same by the mapping's id (the admin API's DELETE). */
  async removeById(slug: string, id: string, actor: string): Promise<void> {
    if (!isId(id)) throw new NotFound(`${slug} has no such group mapping.`);
    await this.removeWhere(slug, { id }, actor, (s) => `${s} has no such group mapping.`);
  }

  private async removeWhere(slug: string, where: Prisma.UpstreamGroupMappingWhereInput, actor: string, missing: (slug: string) => string): Promise<void> {
    await this.deps.prisma.$transaction(async (tx) => {
      const idp = await this.idp(tx, slug);
      const m = await tx.upstreamGroupMapping.findFirst({ where: { ...where, upstreamId: idp.id }, select: SELECT });
      if (!m) throw new NotFound(missing(idp.slug));
      await tx.upstreamGroupMapping.delete({ where: { id: m.id } });
      await this.audit(tx, actor, "upstream.group_mapping.remove", idp.slug, { claim: m.claim, value: m.value, group: m.group.name });
    });
  }

  private async idp(db: Tx | PrismaClient, slug: string): Promise<{ id: string; slug: string }> {
    const idp = typeof slug === "string" ? await db.upstreamIdp.findUnique({ where: { slug }, select: { id: true, slug: true } }) : null;
    if (!idp) throw new NotFound(`No upstream IdP with slug ${slug}.`);
    return idp;
  }

  private audit(tx: Tx, actor: string, action: string, slug: string, details: Record<string, string>): Promise<void> {
    return this.deps.audit.record({ actor, action, target: `upstream:${slug}`, outcome: "success", details }, tx);
  }
}

function duplicate(slug: string, i: { claim: string; value: string }, group: string): Conflict {
  return new Conflict(`${slug} already maps ${i.claim} = ${i.value} to group ${group}.`, { value: "Already mapped to this group." });
}

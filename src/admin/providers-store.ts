// STS identity providers (IAM "SAML providers" and "OIDC providers" of the local STS): audited,
// all-or-nothing, version-checked writes. Built-in providers (seeded for this IdP) can be edited
// but not deleted.
import type { AuditLog } from "../audit/index.ts";
import { toDomainError } from "../directory/db-errors.ts";
import { certificateProblem, oidcProviderArnProblem, parseOidcProviderArn, parseSamlProviderArn, samlProviderArnProblem, urlProblem } from "../directory/index.ts";
import { Conflict, Invalid, NotFound } from "../errors.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { notifyProvidersChanged, type ProviderRecord } from "../sts/providers/index.ts";

/** A provider as the STS registry trusts it, plus what an admin edit needs (row id, version). */
export interface StsProvider extends ProviderRecord {
  id: string;
  version: number;
}

export interface StsProviderInput {
  arn: string;
  issuer: string;
  certificates?: string[];
  clientIds?: string[];
}

const CLIENT_ID = /^[\x21-\x7e]{1,255}$/;

/** Validates and derives kind and account from the ARN (IAM CreateSAMLProvider / CreateOpenIDConnectProvider limits). */
export function providerInput(i: StsProviderInput) {
  const arn = typeof i.arn === "string" ? i.arn.trim() : "";
  const saml = parseSamlProviderArn(arn);
  const oidc = parseOidcProviderArn(arn);
  const fields: Record<string, string> = {};
  if (!saml && !oidc) fields.arn = samlProviderArnProblem(arn) && oidcProviderArnProblem(arn) ? "Enter arn:aws:iam::<account>:saml-provider/<name> or …:oidc-provider/<host/path>." : "Invalid ARN.";
  const issuer = typeof i.issuer === "string" ? i.issuer.trim() : "";
  if (oidc) fields.issuer = urlProblem(issuer, { httpOnly: true }) ?? (issuer.startsWith("https://") || issuer.startsWith("http://") ? undefined : "Use an https URL.") ?? "";
  else if (!issuer) fields.issuer = "Enter the SAML issuer (entity ID).";
  const clientIds = [...new Set(i.clientIds ?? [])];
  const certificates = i.certificates ?? [];
  if (oidc && (clientIds.length < 1 || clientIds.length > 100)) fields.clientIds = "Enter 1 to 100 audiences (client IDs).";
  else if (clientIds.some((c) => !CLIENT_ID.test(c))) fields.clientIds = "Client IDs are 1–255 visible characters.";
  if (certificates.length > 10) fields.certificates = "Use at most 10 certificates.";
  const badCert = certificates.findIndex((c) => certificateProblem(c));
  if (badCert >= 0) fields.certificates = `Certificate #${badCert + 1}: ${certificateProblem(certificates[badCert])}`;
  for (const k of Object.keys(fields)) if (!fields[k]) delete fields[k];
  if (Object.keys(fields).length) throw new Invalid(`Invalid identity provider: ${Object.values(fields).join(" ")}`, fields);
  const parts = (saml ?? oidc)!;
  return { arn, kind: saml ? "saml" : "oidc", accountId: parts.accountId, issuer, certificates, clientIds: saml ? [] : clientIds };
}

export class StsProviderStore {
  constructor(private readonly prisma: PrismaClient, private readonly audit: AuditLog) {}

  async list(): Promise<StsProvider[]> {
    return (await this.prisma.stsIdentityProvider.findMany({ orderBy: { arn: "asc" } })).map(toProvider);
  }

  async get(id: string): Promise<StsProvider> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.prisma.stsIdentityProvider.findUnique({ where: { id } }) : null;
    if (!row) throw new NotFound("No such identity provider.");
    return toProvider(row);
  }

  async create(input: StsProviderInput, actor: string): Promise<StsProvider> {
    const data = providerInput(input);
    return this.tx(async (tx) => {
      const row = await tx.stsIdentityProvider.create({ data });
      await notifyProvidersChanged(tx, row.arn);
      await this.audit.record({ actor, action: "sts.provider.create", target: `sts_provider:${row.id}`, outcome: "success", details: { arn: row.arn } }, tx);
      return toProvider(row);
    });
  }

  /** The ARN names the provider in trust policies: it cannot change (delete and create instead). */
  async update(id: string, version: number, input: Omit<StsProviderInput, "arn">, actor: string): Promise<StsProvider> {
    const current = await this.get(id);
    const data = providerInput({ ...input, arn: current.arn });
    return this.tx(async (tx) => {
      const res = await tx.stsIdentityProvider.updateMany({ where: { id, version }, data: { issuer: data.issuer, certificates: data.certificates, clientIds: data.clientIds, version: { increment: 1 } } });
      if (res.count !== 1) throw new Conflict("This identity provider was changed by someone else; reload and try again.");
      await notifyProvidersChanged(tx, current.arn);
      await this.audit.record({ actor, action: "sts.provider.update", target: `sts_provider:${id}`, outcome: "success", details: { arn: current.arn } }, tx);
      return toProvider(await tx.stsIdentityProvider.findUniqueOrThrow({ where: { id } }));
    });
  }

  async delete(id: string, version: number, actor: string): Promise<void> {
    const current = await this.get(id);
    if (current.builtIn) throw new Conflict("This built-in provider is how the STS trusts this IdP; it cannot be deleted.");
    await this.tx(async (tx) => {
      const res = await tx.stsIdentityProvider.deleteMany({ where: { id, version } });
      if (res.count !== 1) throw new Conflict("This identity provider was changed by someone else; reload and try again.");
      await notifyProvidersChanged(tx, current.arn);
      await this.audit.record({ actor, action: "sts.provider.delete", target: `sts_provider:${id}`, outcome: "success", details: { arn: current.arn } }, tx);
    });
  }

  private async tx<R>(fn: (tx: Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0]) => Promise<R>): Promise<R> {
    try {
      return await this.prisma.$transaction(fn);
    } catch (err) {
      throw toDomainError(err);
    }
  }
}

function toProvider(r: { id: string; arn: string; kind: string; accountId: string; issuer: string; certificates: string[]; clientIds: string[]; builtIn: boolean; version: number }): StsProvider {
  return { id: r.id, arn: r.arn, kind: r.kind as "saml" | "oidc", accountId: r.accountId, issuer: r.issuer, certificates: r.certificates, clientIds: r.clientIds, builtIn: r.builtIn, version: r.version };
}

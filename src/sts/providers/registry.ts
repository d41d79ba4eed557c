// The identity providers the STS trusts (IAM "SAML providers" and "OIDC providers" of an
// account), cached in memory and reloaded on every instance when one changes (NOTIFY
// idp_sts_providers). Built-in providers take their keys from the key service at verification
// time (certificates for SAML, JWKS for OIDC); external ones keep theirs in the row.
import type { JWTVerifyGetKey } from "jose";
import type { Database } from "../../db/index.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { Conflict, Invalid, NotFound } from "../../errors.ts";
import type { KeyService } from "../../keys/index.ts";
import { formatOidcProviderArn, formatSamlProviderArn, parseSamlProviderArn } from "../iam/index.ts";
import { localResolver, RemoteJwksCache } from "./oidc/jwks.ts";
import { parseIdpMetadata } from "./saml/index.ts";

export const PROVIDERS_CHANNEL = "idp_sts_providers";

/**
 * Every write to sts_identity_providers calls this inside its transaction: at commit, every
 * instance's registry (this one's too) drops its cache, so a changed or deleted provider is never
 * trusted from a stale copy.
 */
export async function notifyProvidersChanged(tx: Pick<PrismaClient, "$executeRaw">, arn: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${PROVIDERS_CHANNEL}, ${arn})`;
}
const MISS_RELOAD_MS = 5_000;

export interface ProviderRecord {
  arn: string;
  kind: "saml" | "oidc";
  accountId: string;
  issuer: string;
  certificates: string[];
  clientIds: string[];
  builtIn: boolean;
}

export class ProviderRegistry {
  #byArn = new Map<string, ProviderRecord>();
  #loaded?: Promise<void>;
  #loadedAt = 0;
  #unlisten?: () => Promise<void>;
  #localJwks?: JWTVerifyGetKey;
  readonly #remote: RemoteJwksCache;
  #offKeys?: () => void;

  constructor(
    private readonly opts: { prisma: PrismaClient; keys: KeyService; listen?: Database["listen"]; jwksTimeoutMs: number },
  ) {
    this.#remote = new RemoteJwksCache({ timeoutMs: opts.jwksTimeoutMs });
  }

  async init(): Promise<void> {
    const drop = () => void (this.#loaded = undefined);
    if (this.opts.listen) this.#unlisten = await this.opts.listen(PROVIDERS_CHANNEL, drop, drop);
    this.#offKeys = this.opts.keys.onChange(() => void (this.#localJwks = undefined));
  }

  async close(): Promise<void> {
    this.#offKeys?.();
    await this.#unlisten?.();
  }

  private load(): Promise<void> {
    this.#loaded ??= this.opts.prisma.stsIdentityProvider.findMany().then(
      (rows) => {
        this.#loadedAt = Date.now();
        this.#byArn = new Map(rows.map((r) => [r.arn, { ...r, kind: r.kind as ProviderRecord["kind"] }]));
      },
      (err: unknown) => {
        this.#loaded = undefined;
        throw err;
      },
    );
    return this.#loaded;
  }

  async byArn(arn: string): Promise<ProviderRecord | undefined> {
    return this.find((p) => p.arn === arn);
  }

  async oidcByIssuer(accountId: string, issuer: string): Promise<ProviderRecord | undefined> {
    return this.find((p) => p.kind === "oidc" && p.accountId === accountId && p.issuer === issuer);
  }

  /**
   * Rows written without a NOTIFY (the demo seed inserts directly) are picked up by reloading on
   * a miss, at most every MISS_RELOAD_MS, so unknown names cannot drive a query per request.
   */
  private async find(match: (p: ProviderRecord) => boolean): Promise<ProviderRecord | undefined> {
    await this.load();
    for (const p of this.#byArn.values()) if (match(p)) return p;
    if (Date.now() - this.#loadedAt < MISS_RELOAD_MS) return undefined;
    this.#loaded = undefined;
    await this.load();
    for (const p of this.#byArn.values()) if (match(p)) return p;
    return undefined;
  }

  async list(): Promise<ProviderRecord[]> {
    await this.load();
    return [...this.#byArn.values()];
  }

  /** PEM certificates a SAML provider's responses must be signed with. */
  samlCertificates(p: ProviderRecord): string[] {
    return p.builtIn ? this.opts.keys.publishedKeys().map((k) => k.certificatePem) : p.certificates;
  }

  async keyResolver(p: ProviderRecord): Promise<JWTVerifyGetKey> {
    if (!p.builtIn) return this.#remote.resolver(p.issuer);
    this.#localJwks ??= localResolver(this.opts.keys.jwks());
    return this.#localJwks;
  }

  async addSamlProvider(input: { accountId: string; name: string; metadataXml: string }): Promise<ProviderRecord> {
    const arn = formatSamlProviderArn({ account: input.accountId, name: input.name });
    parseSamlProviderArn(arn);
    const { entityId, certificatesPem } = parseIdpMetadata(input.metadataXml);
    return this.insert({ arn, kind: "saml", accountId: input.accountId, issuer: entityId, certificates: certificatesPem, clientIds: [], builtIn: false });
  }

  async addOidcProvider(input: { accountId: string; url: string; clientIds: string[] }): Promise<ProviderRecord> {
    const u = new URL(input.url);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Invalid("The OIDC provider URL must be http(s).");
    if (input.clientIds.length < 1 || input.clientIds.length > 100) throw new Invalid("An OIDC provider needs 1–100 client IDs.");
    const issuer = input.url.replace(/\/+$/, "");
    const arn = formatOidcProviderArn({ account: input.accountId, url: issuer.replace(/^https?:\/\//, "") });
    return this.insert({ arn, kind: "oidc", accountId: input.accountId, issuer, certificates: [], clientIds: input.clientIds, builtIn: false });
  }

  async remove(arn: string): Promise<void> {
    const { prisma } = this.opts;
    const n = await prisma.$transaction(async (tx) => {
      const res = await tx.stsIdentityProvider.deleteMany({ where: { arn, builtIn: false } });
      await notifyProvidersChanged(tx, arn);
      return res.count;
    });
    this.#loaded = undefined;
    if (n === 0) throw new NotFound(`No removable identity provider ${arn}.`);
  }

  private async insert(p: ProviderRecord): Promise<ProviderRecord> {
    const { prisma } = this.opts;
    const created = await prisma.$transaction(async (tx) => {
      const res = await tx.stsIdentityProvider.createMany({ data: [p], skipDuplicates: true });
      await notifyProvidersChanged(tx, p.arn);
      return res.count;
    });
    this.#loaded = undefined;
    if (created === 0) throw new Conflict(`The identity provider ${p.arn} already exists.`);
    return p;
  }
}

// Builds the long-lived services from configuration and an open database. The composition root
// (server/serve.ts, server/prepare.ts) and the test harness both call this; nothing else constructs services.
import type { Config } from "./config.ts";
import type { Database } from "./db/index.ts";
import { AuditLog } from "./audit/index.ts";
import { AuthService, PasswordHasher, UpstreamLogin, deriveKey } from "./auth/index.ts";
import { DirectoryService } from "./directory/index.ts";
import { CryptoBox, KeyService, loadMasterKey } from "./keys/index.ts";
import { Metrics, createRenderer, type Logger, type Render } from "./http/index.ts";
import { OidcService } from "./oidc/index.ts";
import { StsService, type FederationExchange } from "./sts/index.ts";

export interface Services {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  render: Render;
  audit: AuditLog;
  box: CryptoBox;
  passwords: PasswordHasher;
  keys: KeyService;
  directory: DirectoryService;
  auth: AuthService;
  /** sign-in through upstream OpenID Connect IdPs, and their configuration */
  upstream: UpstreamLogin;
  /** the OpenID Connect provider (oidc-provider) and its interactions */
  oidc: OidcService;
  /** the AWS-compatible STS (POST /sts), trusted IdPs, IAM users, revocation */
  sts: StsService;
  /** the federation exchanges for sign-in pages: the local STS in-process, or AWS STS (IDP_STS_BACKEND) */
  federation: FederationExchange;
  /** stop background work (listeners, timers); the caller closes the database */
  close(): Promise<void>;
}

export async function createServices(config: Config, db: Database, logger: Logger, opts: { defaultMetrics?: boolean } = {}): Promise<Services> {
  const { prisma } = db;
  const metrics = new Metrics(opts.defaultMetrics ?? true);
  const audit = new AuditLog(prisma, db.sql);
  const masterKey = await loadMasterKey(config);
  const box = new CryptoBox(masterKey);
  const passwords = new PasswordHasher(config.loginConcurrency);
  const keys = new KeyService({ prisma, box, audit, baseUrl: config.baseUrl, retiredTtlSeconds: config.keys.retiredTtlSeconds, listen: db.listen });
  const directory = new DirectoryService({ prisma, audit, passwords, listen: db.listen });
  await keys.init();
  await directory.init();
  const auth = new AuthService({ config, prisma, sql: db.sql, audit, metrics, logger, passwords, box, masterKey });
  auth.start();
  const upstream = new UpstreamLogin({ prisma, box, audit, metrics, directory, keys, baseUrl: config.baseUrl, now: auth.now });
  const render = createRenderer();
  const oidc = new OidcService({ config, prisma, sql: db.sql, directory, keys, box, render, audit, logger, metrics, auth, cookieKeys: [deriveKey(masterKey, "oidc cookies v1").toString("base64url")] });
  oidc.start();
  const sts = new StsService({ config, db, box, keys, directory, audit, metrics, logger });
  await sts.init();

  return {
    config,
    db,
    logger,
    metrics,
    render,
    audit,
    box,
    passwords,
    keys,
    directory,
    auth,
    upstream,
    oidc,
    sts,
    federation: sts.federation,
    async close() {
      await oidc.close();
      await sts.close();
      await auth.close();
      await directory.close();
      await keys.close();
    },
  };
}

// The STS as one service object: trusted providers, credential store, IAM users, the actions and
// their router, the federation exchange for the sign-in pages (local or aws backend), batched
// CloudTrail-shaped audit, revocation, and a periodic sweep of expired rows.
import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Config } from "../config.ts";
import type { Database } from "../db/index.ts";
import type { AuditLog } from "../audit/index.ts";
import type { DirectoryService } from "../directory/index.ts";
import type { Metrics } from "../http/index.ts";
import type { CryptoBox, KeyService } from "../keys/index.ts";
import { stsActions, type StsDeps } from "./actions/index.ts";
import { StsAuditWriter } from "./audit.ts";
import { AwsFederationExchange, LocalFederationExchange } from "./backends/index.ts";
import { CredentialStore, createSigV4Verifier, type StsCredential } from "./credentials/index.ts";
import type { FederationExchange } from "./exchange.ts";
import { IamUsers } from "./iam-users.ts";
import { StsErrors, errorResponse, negotiateFormat, stsHandler, type StsLogger } from "./protocol/index.ts";
import { ProviderRegistry } from "./providers/index.ts";

const SWEEP_MS = 10 * 60_000;
const AWS_RECIPIENT = /^https:\/\/([a-z0-9-]+\.)?signin\.aws\.amazon\.com\/(static\/)?saml$/;
const AWS_AUDIENCES = ["urn:amazon:webservices", "https://signin.aws.amazon.com/saml"];

export interface StsServiceOptions {
  config: Config;
  db: Database;
  box: CryptoBox;
  keys: KeyService;
  directory: DirectoryService;
  audit: AuditLog;
  /** idp_sts_requests_total */
  metrics: Pick<Metrics, "stsRequests">;
  logger?: StsLogger;
  now?: () => Date;
}

export class StsService {
  readonly providers: ProviderRegistry;
  readonly store: CredentialStore;
  readonly iamUsers: IamUsers;
  readonly deps: StsDeps;
  /** the federation exchange of the configured backend */
  readonly federation: FederationExchange;
  readonly #audit: StsAuditWriter;
  readonly #logger?: StsLogger;
  readonly #requests: Metrics["stsRequests"];
  #sweep?: NodeJS.Timeout;
  readonly #maxInflight: number;
  #inflight = 0;

  constructor(opts: StsServiceOptions) {
    const { prisma } = opts.db;
    this.#logger = opts.logger;
    this.#requests = opts.metrics.stsRequests;
    this.providers = new ProviderRegistry({ prisma, keys: opts.keys, listen: opts.db.listen, jwksTimeoutMs: opts.config.sts.jwksTimeoutMs });
    this.store = new CredentialStore(prisma, opts.box, opts.db.sql);
    this.iamUsers = new IamUsers({ prisma, box: opts.box, audit: opts.audit });
    const localAcs = `${opts.config.baseUrl}/aws/saml`;
    this.deps = {
      directory: opts.directory,
      providers: this.providers,
      store: this.store,
      iamUsers: this.iamUsers,
      saml: {
        recipients: (v) => v === localAcs || AWS_RECIPIENT.test(v),
        audiences: new Set(AWS_AUDIENCES),
        replayProtection: opts.config.sts.samlReplayProtection,
      },
      now: opts.now ?? (() => new Date()),
      disabledRegions: new Set(opts.config.sts.disabledRegions),
    };
    this.#maxInflight = opts.config.sts.maxInflight;
    this.#audit = new StsAuditWriter(opts.db.sql, opts.logger);
    this.federation =
      opts.config.sts.backend === "aws"
        ? new AwsFederationExchange({ region: opts.config.sts.awsRegion, endpoint: opts.config.sts.awsEndpoint })
        : new LocalFederationExchange(this.deps, (e) => this.#audit.record(e));
  }

  async init(): Promise<void> {
    await this.providers.init();
    this.#sweep = setInterval(() => void this.store.sweep().catch((err: unknown) => this.#logger?.error({ err }, "STS sweep failed")), SWEEP_MS);
    this.#sweep.unref();
  }

  /**
   * The handler of the AWS Query protocol endpoint (app.ts mounts it for POST, GET and HEAD on
   * /sts). Requests beyond IDP_STS_MAX_INFLIGHT in progress get AWS's Throttling ("Rate
   * exceeded", 400) at once instead of queueing without bound.
   * Each answered request counts once in idp_sts_requests_total: the action label is the routed
   * action's registered name (the router leaves it unset for a missing or unknown Action, so a
   * client's string never becomes a label), the code is the AWS error code.
   */
  handler(): RequestHandler {
    const inner = stsHandler({
      actions: stsActions(this.deps),
      verifier: createSigV4Verifier<StsCredential>({ lookup: (id) => this.store.lookup(id) }),
      logger: this.#logger,
      onAudit: (e) => {
        this.#requests.inc({ action: e.action ?? "unknown", outcome: e.outcome, code: e.errorCode ?? "" });
        this.#audit.record(e);
      },
    });
    return (req, res, next) => {
      if (this.#inflight >= this.#maxInflight) {
        const requestId = typeof res.locals.requestId === "string" ? res.locals.requestId : randomUUID();
        const wire = errorResponse(StsErrors.throttling(), requestId, negotiateFormat(req.get("accept")));
        res.status(wire.status).set(wire.headers).set("Connection", "close").end(wire.body);
        req.resume();
        this.#requests.inc({ action: "unknown", outcome: "failure", code: "Throttling" });
        return;
      }
      this.#inflight++;
      // a response emits "close" once, whether it finished or its connection was lost
      res.once("close", () => void this.#inflight--);
      return inner(req, res, next);
    };
  }

  /** AWS "revoke active sessions" for a role (AWSRevokeOlderSessions, aws:TokenIssueTime). */
  revokeOlderSessions(roleArn: string, at = new Date()): Promise<void> {
    return this.store.revokeOlderSessions(roleArn, at);
  }

  /** Beyond AWS: one session's credentials stop working immediately. */
  revokeSession(accessKeyId: string): Promise<boolean> {
    return this.store.revokeSession(accessKeyId);
  }

  /** Writes queued audit events now (tests, shutdown). */
  flushAudit(): Promise<void> {
    return this.#audit.flush();
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#audit.flush();
    await this.providers.close();
    if (this.federation instanceof AwsFederationExchange) this.federation.close();
  }
}

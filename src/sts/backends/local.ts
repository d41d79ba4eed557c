// The local backend: the federation exchanges answered in-process by this STS's own actions, so
// the sign-in pages get exactly what a client of POST /sts would.
import { randomUUID } from "node:crypto";
import type { AssumedRole, AssumeRoleWithSamlInput, AssumeRoleWithWebIdentityInput, FederationExchange } from "../exchange.ts";
import { StsExchangeError } from "../exchange.ts";
import { assumeRoleWithSaml, assumeRoleWithWebIdentity, type StsDeps } from "../actions/index.ts";
import { toStsError } from "../protocol/index.ts";
import type { StsAuditEvent } from "../protocol/index.ts";

export class LocalFederationExchange implements FederationExchange {
  constructor(
    private readonly deps: StsDeps,
    private readonly onAudit: (e: StsAuditEvent) => void,
  ) {}

  assumeRoleWithSAML(input: AssumeRoleWithSamlInput): Promise<AssumedRole> {
    return this.run("AssumeRoleWithSAML", input.sourceIp, (audit) =>
      assumeRoleWithSaml(this.deps, { RoleArn: input.roleArn, PrincipalArn: input.principalArn, SAMLAssertion: input.samlResponse, DurationSeconds: input.durationSeconds }, { sourceIp: input.sourceIp, audit }),
    );
  }

  assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput): Promise<AssumedRole> {
    return this.run("AssumeRoleWithWebIdentity", input.sourceIp, (audit) =>
      assumeRoleWithWebIdentity(
        this.deps,
        { RoleArn: input.roleArn, RoleSessionName: input.roleSessionName, WebIdentityToken: input.webIdentityToken, DurationSeconds: input.durationSeconds },
        { sourceIp: input.sourceIp, audit },
      ),
    );
  }

  private async run(
    action: string,
    sourceIp: string | undefined,
    fn: (audit: Record<string, unknown>) => Promise<{ Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date }; AssumedRoleUser: { AssumedRoleId: string; Arn: string }; SourceIdentity?: string; PackedPolicySize?: number }>,
  ): Promise<AssumedRole> {
    const audit: Record<string, unknown> = { via: "federation-exchange" };
    const event: StsAuditEvent = { requestId: randomUUID(), action, outcome: "success", httpStatus: 200, sourceIp, details: audit };
    try {
      const r = await fn(audit);
      this.onAudit(event);
      return {
        credentials: { accessKeyId: r.Credentials.AccessKeyId, secretAccessKey: r.Credentials.SecretAccessKey, sessionToken: r.Credentials.SessionToken, expiration: r.Credentials.Expiration },
        assumedRoleArn: r.AssumedRoleUser.Arn,
        assumedRoleId: r.AssumedRoleUser.AssumedRoleId,
        sourceIdentity: r.SourceIdentity,
        packedPolicySize: r.PackedPolicySize,
      };
    } catch (err) {
      const e = toStsError(err);
      Object.assign(event, { outcome: e.httpStatus === 403 ? "denied" : "failure", httpStatus: e.httpStatus, errorCode: e.code, errorMessage: e.message });
      this.onAudit(event);
      throw new StsExchangeError(e.code, e.message, e.httpStatus);
    }
  }
}

// The aws backend: the federation exchanges sent to AWS STS with the real SDK. Both calls are
// unsigned (noAuth), so no AWS credentials are needed; the endpoint is configurable (a regional
// STS, or in tests another idp-gateway's /sts).
import { AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import type { AssumedRole, AssumeRoleWithSamlInput, AssumeRoleWithWebIdentityInput, FederationExchange } from "../exchange.ts";
import { StsExchangeError } from "../exchange.ts";

export class AwsFederationExchange implements FederationExchange {
  readonly #client: STSClient;

  constructor(opts: { region: string; endpoint?: string }) {
    this.#client = new STSClient({
      region: opts.region,
      endpoint: opts.endpoint,
      maxAttempts: 2,
      // never consulted: both operations are noAuth; set so the SDK does not search for credentials
      credentials: { accessKeyId: "unused", secretAccessKey: "unused" },
    });
  }

  async assumeRoleWithSAML(input: AssumeRoleWithSamlInput): Promise<AssumedRole> {
    const command = new AssumeRoleWithSAMLCommand({ RoleArn: input.roleArn, PrincipalArn: input.principalArn, SAMLAssertion: input.samlResponse, DurationSeconds: input.durationSeconds });
    return toAssumedRole(await this.send(() => this.#client.send(command)));
  }

  async assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput): Promise<AssumedRole> {
    const command = new AssumeRoleWithWebIdentityCommand({
      RoleArn: input.roleArn,
      RoleSessionName: input.roleSessionName,
      WebIdentityToken: input.webIdentityToken,
      DurationSeconds: input.durationSeconds,
    });
    return toAssumedRole(await this.send(() => this.#client.send(command)));
  }

  close(): void {
    this.#client.destroy();
  }

  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof STSServiceException) throw new StsExchangeError(MODELED[err.name] ?? err.name, err.message, err.$metadata.httpStatusCode ?? 400);
      throw new StsExchangeError("ServiceUnavailable", "AWS STS could not be reached.", 503);
    }
  }
}

/** SDK class name → wire code for modeled errors (sts.md §1.4); unmodeled ones keep the wire code as name. */
const MODELED: Record<string, string> = {
  MalformedPolicyDocumentException: "MalformedPolicyDocument",
  PackedPolicyTooLargeException: "PackedPolicyTooLarge",
  IDPRejectedClaimException: "IDPRejectedClaim",
  InvalidIdentityTokenException: "InvalidIdentityToken",
  IDPCommunicationErrorException: "IDPCommunicationError",
};

interface SdkAssumeOutput {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };
  AssumedRoleUser?: { Arn?: string; AssumedRoleId?: string };
  SourceIdentity?: string;
  PackedPolicySize?: number;
}

function toAssumedRole(out: SdkAssumeOutput): AssumedRole {
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration || !out.AssumedRoleUser?.Arn || !out.AssumedRoleUser.AssumedRoleId) {
    throw new StsExchangeError("InternalFailure", "AWS STS returned an incomplete response.", 502);
  }
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
    assumedRoleArn: out.AssumedRoleUser.Arn,
    assumedRoleId: out.AssumedRoleUser.AssumedRoleId,
    sourceIdentity: out.SourceIdentity,
    packedPolicySize: out.PackedPolicySize,
  };
}

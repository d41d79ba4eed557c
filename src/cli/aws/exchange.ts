// Trades an ID token for temporary AWS credentials with AssumeRoleWithWebIdentity, through the
// real AWS SDK: the same call works against the gateway's local STS and against real AWS STS.
import { AssumeRoleWithWebIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { CliError } from "../context.ts";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  assumedRoleArn: string;
}

export interface WebIdentityExchange {
  endpoint: string;
  region: string;
  roleArn: string;
  roleSessionName: string;
  webIdentityToken: string;
  durationSeconds?: number;
}

export async function assumeRoleWithWebIdentity(x: WebIdentityExchange): Promise<Credentials> {
  // The call is unsigned (the token is the credential), so the client gets no credentials of its own.
  const sts = new STSClient({ endpoint: x.endpoint, region: x.region, credentials: { accessKeyId: "unused", secretAccessKey: "unused" } });
  try {
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: x.roleArn,
        RoleSessionName: x.roleSessionName,
        WebIdentityToken: x.webIdentityToken,
        DurationSeconds: x.durationSeconds,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new CliError("the STS answered without credentials");
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? "",
    };
  } catch (err) {
    if (err instanceof CliError) throw err;
    if (err instanceof STSServiceException) throw new CliError(`the STS refused: ${err.name}: ${err.message}`);
    throw new CliError(`cannot reach the STS at ${x.endpoint}: ${(err as Error).message}`, 69);
  } finally {
    sts.destroy();
  }
}

/** A RoleSessionName from the person's claims: AWS allows 2–64 characters of [\w+=,.@-]. */
export function sessionNameFrom(claims: Record<string, unknown>): string {
  const raw = [claims.preferred_username, claims.email, claims.sub].find((v): v is string => typeof v === "string" && v.length > 0) ?? "idp-cli";
  const cleaned = raw.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

// The contract between the web sign-in pages (local AWS sign-in at /aws/saml, CLI helpers) and
// the STS: the two federation exchanges, answered by the local STS or by real AWS STS. Pages code
// against this interface only, so the backend switch (local | aws) is invisible to them.

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AssumedRole {
  credentials: TemporaryCredentials;
  /** arn:aws:sts::<account>:assumed-role/<role-name>/<session-name> */
  assumedRoleArn: string;
  /** <role-id>:<session-name> */
  assumedRoleId: string;
  sourceIdentity?: string;
  packedPolicySize?: number;
}

export interface AssumeRoleWithSamlInput {
  /** the base64 SAMLResponse exactly as the browser posted it */
  samlResponse: string;
  roleArn: string;
  principalArn: string;
  durationSeconds?: number;
  sourceIp?: string;
}

export interface AssumeRoleWithWebIdentityInput {
  webIdentityToken: string;
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  sourceIp?: string;
}

export interface FederationExchange {
  assumeRoleWithSAML(input: AssumeRoleWithSamlInput): Promise<AssumedRole>;
  assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput): Promise<AssumedRole>;
}

/** An exchange refused: AWS's error code, message and HTTP status, as STS's ErrorResponse has them. */
export class StsExchangeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "StsExchangeError";
  }
}

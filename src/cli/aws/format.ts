// The three shapes a terminal user wants credentials in.
import type { Credentials } from "./exchange.ts";

export type OutputFormat = "env" | "json" | "ini";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["env", "json", "ini"];

/** `json` is the AWS CLI/SDK credential_process contract (Version 1). */
export function formatCredentials(c: Credentials, format: OutputFormat, profile = "default"): string {
  switch (format) {
    case "json":
      return JSON.stringify({
        Version: 1,
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        SessionToken: c.sessionToken,
        Expiration: c.expiration.toISOString(),
      });
    case "ini":
      return [
        `# ${c.assumedRoleArn}, expires ${c.expiration.toISOString()}`,
        `[${profile}]`,
        `aws_access_key_id = ${c.accessKeyId}`,
        `aws_secret_access_key = ${c.secretAccessKey}`,
        `aws_session_token = ${c.sessionToken}`,
      ].join("\n");
    case "env":
      return [
        `# ${c.assumedRoleArn}, expires ${c.expiration.toISOString()}`,
        `export AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
        `export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`,
        `export AWS_SESSION_TOKEN=${c.sessionToken}`,
      ].join("\n");
  }
}

// Typed errors of the IAM policy engine. The STS protocol layer maps `code` to the AWS wire
// error (MalformedPolicyDocument → HTTP 400, reference/sts.md §1.4); the admin API maps the
// DomainError kind ("invalid") to problem+json.
import { Invalid } from "../../errors.ts";

/** A policy document AWS would reject ("MalformedPolicyDocument", sts.md §1.4). */
export class MalformedPolicyDocument extends Invalid {
  readonly code = "MalformedPolicyDocument";
}

/** A string that is not an ARN of the expected shape. */
export class InvalidArn extends Invalid {
  readonly code = "ValidationError";
}

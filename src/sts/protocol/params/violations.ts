// Collects constraint failures and reports them the way AWS (Coral) does, in ONE ValidationError:
//   "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must
//    satisfy regular expression pattern: …; Value '' at 'roleArn' failed to satisfy constraint:
//    Member must have length greater than or equal to 20"
// (exact texts observed from real STS; sts.md §1.4 quotes the single-error form).
// - A missing required member reads "Value null at 'roleArn' … Member must not be null".
// - Sensitive members (SAMLAssertion, WebIdentityToken: `sensitive` in the model) are reported
//   without their value ("Value at 'webIdentityToken' …"), so a token never lands in an error.
import { StsErrors } from "../errors.ts";

export class Violations {
  private readonly messages: string[] = [];

  /** `value`: the offending value as AWS prints it, null for a missing member, undefined to omit it */
  add(value: string | null | undefined, at: string, constraint: string): void {
    const shown = value === undefined ? "Value" : value === null ? "Value null" : `Value '${value}'`;
    this.messages.push(`${shown} at '${at}' failed to satisfy constraint: Member ${constraint}`);
  }

  get count(): number {
    return this.messages.length;
  }

  throwIfAny(): void {
    const n = this.messages.length;
    if (n === 0) return;
    const head = n === 1 ? "1 validation error detected" : `${n} validation errors detected`;
    throw StsErrors.validationError(`${head}: ${this.messages.join("; ")}`);
  }
}

/** AWS member paths are the wire names with the first letter lowered: RoleArn → roleArn. */
export function memberName(wireName: string): string {
  return wireName.charAt(0).toLowerCase() + wireName.slice(1);
}

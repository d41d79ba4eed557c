// The typed form of an IAM policy document and of an authorization request.
// Element names follow the IAM JSON policy reference (reference_policies_elements_*).

export type PolicyVersion = "2012-10-17" | "2008-10-17";
export type Effect = "Allow" | "Deny";

/** Principal block: "*" or per-type lists (values already normalised to arrays). */
export type PrincipalSpec =
  | "*"
  | { AWS?: string[]; Federated?: string[]; Service?: string[]; CanonicalUser?: string[] };

/** An element that exists in a positive and a `Not…` form (Principal, Action, Resource). */
export interface Negatable<T> {
  negated: boolean;
  value: T;
}

export type SetOperator = "ForAnyValue" | "ForAllValues";

export interface Condition {
  /** the operator exactly as written, e.g. "ForAnyValue:StringLikeIfExists" */
  operator: string;
  /** the operator without set prefix and IfExists suffix, e.g. "StringLike" */
  base: string;
  set?: SetOperator;
  ifExists: boolean;
  /** the condition key as written (matched case-insensitively) */
  key: string;
  /** policy values as strings (JSON numbers and booleans are stringified) */
  values: string[];
}

export interface Statement {
  sid?: string;
  effect: Effect;
  principal?: Negatable<PrincipalSpec>;
  action: Negatable<string[]>;
  resource?: Negatable<string[]>;
  conditions: Condition[];
}

export interface Policy {
  version: PolicyVersion;
  id?: string;
  statements: Statement[];
}

export type ContextValue = string | string[] | number | boolean | Date | undefined;
export type RequestContext = Record<string, ContextValue>;

export type PrincipalType = "AWS" | "Federated" | "Service" | "*";
export interface RequestPrincipal {
  type: PrincipalType;
  id: string;
}

export interface AuthorizationRequest {
  principal?: RequestPrincipal;
  action: string;
  resource?: string;
  context: RequestContext;
}

export interface LabeledPolicy {
  policy: Policy;
  label: string;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface MatchedStatement {
  policyLabel: string;
  sid?: string;
  index: number;
  effect: Effect;
}

export interface Evaluation {
  decision: Decision;
  matched: MatchedStatement[];
  explanation: string[];
}

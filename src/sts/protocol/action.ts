// The contract between the STS router and an action file: each action declares its name, how
// callers authenticate, and its parameters once; the router does decoding, validation,
// authentication and rendering, so a handler receives typed, valid parameters.
// - auth "none": AssumeRoleWithSAML / AssumeRoleWithWebIdentity (SDK v3 uses noAuth; the
//   assertion or token is the credential). auth "sigv4": every other action (sts.md §1.2).
import type { Infer, Shape } from "./params/schema.ts";

export type AuthMode = "none" | "sigv4";

/** The request as a SigV4 verifier needs it: raw target, raw headers, raw body bytes. */
export interface SignableRequest {
  method: string;
  /** request path as received, still percent-encoded (e.g. "/sts/") */
  path: string;
  /** query string as received, without "?" */
  rawQuery: string;
  /** lower-cased header names; repeated headers joined with "," in arrival order (SigV4) */
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
}

/** What a successful SigV4 check establishes about the caller. */
export interface SignedCaller {
  accessKeyId: string;
  /** region from the credential scope (any region is accepted) */
  region: string;
  signedAt: Date;
}

export interface RequestVerifier<C extends SignedCaller = SignedCaller> {
  /** resolves with the caller, or rejects with an StsError (InvalidClientTokenId, SignatureDoesNotMatch, …) */
  verify(req: SignableRequest): Promise<C>;
}

export interface ActionContext<A extends AuthMode = AuthMode, C extends SignedCaller = SignedCaller> {
  requestId: string;
  /** the verified caller for "sigv4" actions */
  caller: A extends "sigv4" ? C : undefined;
  sourceIp?: string;
  userAgent?: string;
  /** CloudTrail-style facts the handler adds for the audit event (role, session name, tags, …) */
  audit: Record<string, unknown>;
}

export interface ActionDefinition<S extends Shape = Shape, A extends AuthMode = AuthMode, C extends SignedCaller = SignedCaller> {
  /** the wire Action name, e.g. "AssumeRoleWithSAML"; also names the <{name}Response> element */
  readonly name: string;
  readonly auth: A;
  readonly params: S;
  /** cross-member rules, run after every member is valid (e.g. checkSessionTags) */
  readonly check?: (params: Infer<S>) => void;
  /**
   * Returns the members of <{name}Result>: strings, numbers, booleans, Dates (timestamps), nested
   * objects and arrays (rendered as <member> lists). undefined/null members are omitted.
   * Throws StsError (or a domain error; see error-mapping.ts) to fail.
   */
  readonly handler: (params: Infer<S>, ctx: ActionContext<A, C>) => Promise<object> | object;
}

// `any` here lets one registry hold actions whose parameter and caller types differ.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAction = ActionDefinition<any, AuthMode, any>;

const ACTION_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

export function defineAction<const S extends Shape, A extends AuthMode, C extends SignedCaller = SignedCaller>(
  def: ActionDefinition<S, A, C>,
): ActionDefinition<S, A, C> {
  if (!ACTION_NAME.test(def.name)) throw new Error(`STS action name must be an awsQuery operation name, got "${def.name}"`);
  return Object.freeze({ ...def });
}

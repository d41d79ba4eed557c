// SigV4 verification for STS requests (AssumeRole, GetSessionToken, GetFederationToken,
// GetCallerIdentity; sts.md §1.2), as a pipeline of checks, cheapest and secret-free first:
//   1. extract the auth (header or presigned query)     → MissingAuthenticationToken / IncompleteSignature
//   2. X-Amz-Date well-formed, scope sts/aws4_request    → IncompleteSignature / SignatureDoesNotMatch
//   3. X-Amz-Date within ±15 min (also for presigned URLs: STS ignores X-Amz-Expires, see below)
//   4. access key known                                  → InvalidClientTokenId (403)
//   5. session token: required and equal for temporary keys, absent for long-term keys
//      (SHA-256 digests compared in constant time)       → InvalidClientTokenId
//   6. signature recomputed by smithy, compared with crypto.timingSafeEqual → SignatureDoesNotMatch
//   7. temporary credentials not expired                 → ExpiredToken (403)
// Presigned URLs: real STS honours only the 15-minute window on X-Amz-Date, whatever
// X-Amz-Expires says (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go: "valid for 15
// minutes regardless of this parameter's value… IT IS IGNORED"); EKS-style tokens depend on it.
// `enforcePresignedExpires` additionally rejects a URL past its X-Amz-Expires (security.md §4.8).
// Replay inside the window is possible, as on AWS (security.md §4.8).
import { createHash, timingSafeEqual } from "node:crypto";
import { StsErrors } from "../protocol/index.ts";
import type { RequestVerifier, SignableRequest, SignedCaller } from "../protocol/index.ts";
import { extractAuth, type SigV4Auth } from "./sigv4-auth.ts";
import { checkClock, checkScope, parseAmzDate } from "./sigv4-checks.ts";
import { expectedSignature, parseRawQuery, payloadHash } from "./sigv4-signer.ts";

/** What the credential store must know about an access key to verify a signature. */
export interface SigningCredential {
  secretAccessKey: string;
  /** set for temporary credentials: the token the request must carry */
  sessionToken?: string;
  /** alternatively the SHA-256 of that token (stores keep only the hash) */
  sessionTokenHash?: Uint8Array;
  /** set for temporary credentials: requests signed at or after this fail with ExpiredToken */
  expiration?: Date;
}

export type CredentialLookup<C extends SigningCredential> = (accessKeyId: string) => Promise<C | undefined> | C | undefined;

export interface VerifiedRequest<C extends SigningCredential = SigningCredential> extends SignedCaller {
  /** whatever the lookup returned (principal, session id, …) */
  credential: C;
  sessionToken?: string;
  form: "header" | "query";
}

export interface SigV4VerifierOptions<C extends SigningCredential> {
  lookup: CredentialLookup<C>;
  /** clock, for tests */
  now?: () => Date;
  /** default 15 minutes (STS; security.md §0) */
  maxSkewMs?: number;
  /** also reject presigned URLs past X-Amz-Date + X-Amz-Expires (stricter than AWS) */
  enforcePresignedExpires?: boolean;
  /** signing name in the credential scope; "sts" */
  service?: string;
}

const ACCESS_KEY_ID = /^\w{16,128}$/; // accessKeyIdType

export function createSigV4Verifier<C extends SigningCredential>(opts: SigV4VerifierOptions<C>): RequestVerifier<VerifiedRequest<C>> {
  const now = opts.now ?? (() => new Date());
  const maxSkewMs = opts.maxSkewMs ?? 15 * 60_000;
  const service = opts.service ?? "sts";

  return {
    async verify(req: SignableRequest): Promise<VerifiedRequest<C>> {
      const query = parseRawQuery(req.rawQuery);
      const auth = extractAuth(req, query);
      const signedAt = parseAmzDate(auth.amzDate);
      checkScope(auth, service);
      const at = now();
      checkClock(signedAt, at, maxSkewMs);
      if (opts.enforcePresignedExpires && auth.expires !== undefined && at.getTime() > signedAt.getTime() + auth.expires * 1000) {
        throw StsErrors.requestExpired("Request has expired.");
      }

      const credential = ACCESS_KEY_ID.test(auth.accessKeyId) ? await opts.lookup(auth.accessKeyId) : undefined;
      if (!credential) throw StsErrors.invalidClientTokenId();
      checkSessionToken(credential, auth);

      const expected = await expectedSignature({
        req,
        query,
        auth,
        signedAt,
        payloadHash: await payloadHash(req),
        secretAccessKey: credential.secretAccessKey,
        service,
      });
      if (!sameSignature(expected, auth.signature)) throw StsErrors.signatureDoesNotMatch();
      if (credential.expiration && credential.expiration.getTime() <= at.getTime()) throw StsErrors.expiredToken();

      return { accessKeyId: auth.accessKeyId, region: auth.scope.region, signedAt, credential, sessionToken: auth.sessionToken, form: auth.form };
    },
  };
}

function checkSessionToken(credential: SigningCredential, auth: SigV4Auth): void {
  const expected = credential.sessionTokenHash ?? (credential.sessionToken === undefined ? undefined : digest(credential.sessionToken));
  const given = auth.sessionToken;
  if (expected === undefined && given === undefined) return;
  if (expected === undefined || given === undefined || expected.length !== 32 || !timingSafeEqual(expected, digest(given))) {
    throw StsErrors.invalidClientTokenId();
  }
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

// Reads the raw request body with a hard size limit. The router needs the exact bytes: SigV4
// signs the SHA-256 of the body as sent (security.md §4.5-6), so no body parser may run first.
//
// Limit: 512 KiB. The largest legal request is AssumeRoleWithSAML: SAMLAssertion is up to
// 100,000 base64 characters, and form-encoding turns each "+" "/" "=" into 3 bytes, so a
// pathological assertion needs up to 300,000 bytes (a real one ~106,000); add RoleArn and
// PrincipalArn (2048 characters each, up to 3 bytes encoded), Policy (2048 characters of
// \u0020-\u00FF, up to 6 bytes encoded) and ten 2048-character PolicyArns (~62,000 bytes):
// about 387,000 bytes at worst. AssumeRole with 50 maximal tags of 4-byte letters stays
// below 240,000. 512 KiB admits every legal request and bounds memory per request.
// Larger bodies get 413 "RequestEntityTooLarge" (AWS documents no code for this) and the
// connection is closed rather than drained.
import type { IncomingMessage } from "node:http";
import { StsErrors } from "./errors.ts";

export const DEFAULT_MAX_BODY_BYTES = 512 * 1024;

/** The client went away before the body was complete; there is no one to answer. */
export class ClientAborted extends Error {}

export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  // a body parser mounted before the router has already drained the stream
  if ((req as { _body?: unknown })._body || (req as { body?: unknown }).body !== undefined || req.readableEnded) {
    return Promise.reject(new Error("STS router needs the raw request body: mount it before any body parser"));
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(StsErrors.requestEntityTooLarge(limit));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: unknown) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("aborted", onAborted);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done(StsErrors.requestEntityTooLarge(limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(new ClientAborted(err.message));
    const onAborted = () => done(new ClientAborted("request aborted"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("aborted", onAborted);
  });
}

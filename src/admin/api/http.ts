// Small helpers for the JSON API handlers: the request body as an object, ids, versions, and
// the serialised shapes (no secrets: an OIDC client shows whether it has a secret, never the secret).
import express, { type Request, type RequestHandler } from "express";
import type { OidcClientRecord } from "../../directory/index.ts";
import { Invalid } from "../../errors.ts";

export const jsonBody = express.json({ limit: "256kb", strict: true, type: ["application/json", "application/*+json"] });

/** A body must be JSON: a cross-site form post cannot drive the API. (Bodiless actions such as a rotation pass.) */
export const requireJson: RequestHandler = (req, _res, next) => {
  // req.is: null = no body, false = a body of another type
  if (req.get("content-length") !== "0" && req.is(["application/json", "application/*+json"]) === false) {
    throw new Invalid("Send the request body as application/json.");
  }
  next();
};

export function body(req: Request): Record<string, any> {
  const b = req.body as unknown;
  if (!b || typeof b !== "object" || Array.isArray(b)) throw new Invalid("The request body must be a JSON object.");
  return b as Record<string, any>;
}

/** The version of the entry the client read: `?version=` (DELETE) or the body's "version". */
export function versionOf(req: Request): number {
  const q = req.query.version;
  if (typeof q === "string") return /^\d{1,9}$/.test(q) ? Number(q) : NaN;
  const b = req.body as Record<string, unknown> | undefined;
  return typeof b?.version === "number" ? b.version : NaN;
}

export const param = (req: Request, name: string): string => String(req.params[name] ?? "");

/** The named fields present in a body (others are ignored). */
export const pick = <K extends string>(b: Record<string, any>, keys: readonly K[]) => Object.fromEntries(keys.filter((k) => b[k] !== undefined).map((k) => [k, b[k]]));

export function clientView({ secretEnc, ...c }: OidcClientRecord) {
  return { ...c, confidential: secretEnc !== null };
}

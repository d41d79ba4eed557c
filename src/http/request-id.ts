// Gives every request an id (accepting a sane incoming X-Request-Id from a proxy), echoes it in the
// response, and opens the async context that audit and logs read it from.
import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { runWithContext } from "./request-context.ts";

const SANE_ID = /^[\w.:-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => runWithContext({ requestId: assignRequestId(req, res), ip: req.ip }, next);
}

/** The id and its response header without the async context (for hot machine endpoints that pass it explicitly). */
export function assignRequestId(req: Request, res: Response): string {
  const incoming = req.get("x-request-id");
  const id = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = id;
  res.setHeader("X-Request-Id", id);
  return id;
}

// Hot endpoints that machines call (OIDC token & co, the STS) run outside the per-request
// AsyncLocalStorage context that requestId() opens for pages: opening it measured ~0.3 ms of a
// ~0.9 ms token grant. They still get a request id (response header, res.locals.requestId, which
// they pass on explicitly) and the same observing middleware as everything else (access log,
// metrics, security headers), then their handler.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { assignRequestId } from "./request-id.ts";

export interface MachineEndpointOptions {
  /** the metrics route label (machine endpoints match without an Express route) */
  route?: string;
}

/** Runs `chain` (middleware, then the endpoint) for one request; an error goes to Express's `next`. */
export function machineEndpoint(chain: readonly RequestHandler[], opts: MachineEndpointOptions = {}): RequestHandler {
  return (req, res, next) => {
    assignRequestId(req, res);
    if (opts.route !== undefined) res.locals.metricsRoute = opts.route;
    run(chain, 0, req, res, next);
  };
}

// A plain recursive function, not a closure made per request: under tsx (keepNames) every
// per-request named closure also costs a defineProperty call.
function run(chain: readonly RequestHandler[], i: number, req: Request, res: Response, next: NextFunction): void {
  const handler = chain[i];
  if (!handler) return next();
  try {
    const done = handler(req, res, (err?: unknown) => (err ? next(err) : run(chain, i + 1, req, res, next))) as unknown;
    if (done instanceof Promise) done.catch(next);
  } catch (e) {
    next(e);
  }
}

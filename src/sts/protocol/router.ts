// stsRouter / stsHandler: the STS endpoint (POST / and GET /, awsQuery; sts.md §1). One request is a pipeline:
//   read raw body (size-limited) → parse → route Action+Version → SigV4 (sigv4 actions)
//   → validate parameters → cross-member checks → handler → render XML/JSON.
// Every failure is rendered as an AWS ErrorResponse here and only here; anything that is not
// an StsError becomes InternalFailure (500) with a fixed message, logged with its stack.
// - Missing Action → MissingAction. Unknown Action, or Version absent or not 2011-06-15 →
//   InvalidAction "Could not find operation X for version Y" (real STS; it redirects a request
//   without Action to aws.amazon.com, which is no use to an API client).
// - Routing happens before authentication, authentication before parameter validation: an
//   unauthenticated caller learns nothing about what its parameters would have done.
import { randomUUID } from "node:crypto";
import { Router, type Request, type RequestHandler, type Response } from "express";
import type { AnyAction, RequestVerifier, SignableRequest, SignedCaller } from "./action.ts";
import { ClientAborted, DEFAULT_MAX_BODY_BYTES, readRawBody } from "./body.ts";
import { toStsError } from "./error-mapping.ts";
import { StsErrors, type StsErrorCode } from "./errors.ts";
import { readParams } from "./params/schema.ts";
import { parseQueryRequest, type QueryRequest } from "./parse.ts";
import { errorResponse, negotiateFormat, successResponse, type WireResponse } from "./serialize.ts";

export const STS_API_VERSION = "2011-06-15";

export interface StsAuditEvent {
  requestId: string;
  /** the routed action; absent when the request never named a known one */
  action?: string;
  outcome: "success" | "denied" | "failure";
  httpStatus: number;
  errorCode?: StsErrorCode;
  accessKeyId?: string;
  region?: string;
  sourceIp?: string;
  userAgent?: string;
  /** what the action recorded (ActionContext.audit); also set for failures after routing */
  details?: Record<string, unknown>;
  /** the error message, for failures */
  errorMessage?: string;
}

/** pino's Logger satisfies this. */
export interface StsLogger {
  error(obj: object, msg?: string): void;
}

export interface StsRouterOptions {
  actions: readonly AnyAction[];
  /** required as soon as one action has auth "sigv4" */
  verifier?: RequestVerifier<SignedCaller>;
  logger?: StsLogger;
  /** called once per answered request, after the response is sent; failures are logged, not raised */
  onAudit?: (event: StsAuditEvent) => void | Promise<void>;
  maxBodyBytes?: number;
}

/** The endpoint as Express routes: POST / and GET / (HEAD too, as Express routes it with GET). */
export function stsRouter(opts: StsRouterOptions): Router {
  const handle = stsHandler(opts);
  const router = Router();
  router.post("/", handle);
  router.get("/", handle);
  return router;
}

/** The endpoint as one handler, for a caller that matches the path and method itself. */
export function stsHandler(opts: StsRouterOptions): RequestHandler {
  const registry = buildRegistry(opts);
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const handle: RequestHandler = async (req, res) => {
    const requestId = typeof res.locals.requestId === "string" ? res.locals.requestId : randomUUID();
    const format = negotiateFormat(req.get("accept"));
    const event: StsAuditEvent = { requestId, outcome: "failure", httpStatus: 500, sourceIp: req.ip, userAgent: req.get("user-agent") };
    let wire: WireResponse;
    const details: Record<string, unknown> = {};
    try {
      const body = await readRawBody(req, maxBodyBytes);
      const { path, rawQuery } = splitTarget(req.originalUrl);
      const query = parseQueryRequest({ method: req.method, rawQuery, contentType: req.get("content-type"), body });
      const action = route(registry, query);
      event.action = action.name;
      event.details = details;
      let caller: SignedCaller | undefined;
      if (action.auth === "sigv4") {
        caller = await opts.verifier!.verify(signable(req, path, rawQuery, body));
        event.accessKeyId = caller.accessKeyId;
        event.region = caller.region;
      }
      const params = readParams(action.params, query.params);
      action.check?.(params);
      const result = await action.handler(params, { requestId, caller, sourceIp: req.ip, userAgent: req.get("user-agent"), audit: details });
      wire = successResponse(action.name, result, requestId, format);
      wire.headers["Cache-Control"] = "no-store";
    } catch (err) {
      if (err instanceof ClientAborted) return;
      const stsErr = toStsError(err);
      if (stsErr.httpStatus >= 500) opts.logger?.error({ err, requestId, action: event.action }, "STS request failed");
      event.errorCode = stsErr.code;
      event.errorMessage = stsErr.message;
      wire = errorResponse(stsErr, requestId, format);
      if (stsErr.code === "RequestEntityTooLarge") wire.headers.Connection = "close";
    }
    send(res, wire);
    event.httpStatus = wire.status;
    event.outcome = wire.status < 300 ? "success" : wire.status === 403 ? "denied" : "failure";
    audit(opts, event);
  };
  return handle;
}

function buildRegistry(opts: StsRouterOptions): Map<string, AnyAction> {
  const registry = new Map<string, AnyAction>();
  for (const action of opts.actions) {
    if (registry.has(action.name)) throw new Error(`STS action ${action.name} is registered twice`);
    if (action.auth === "sigv4" && !opts.verifier) throw new Error(`STS action ${action.name} needs SigV4 but stsRouter got no verifier`);
    registry.set(action.name, action);
  }
  return registry;
}

function route(registry: Map<string, AnyAction>, query: QueryRequest): AnyAction {
  if (query.action === undefined) throw StsErrors.missingAction();
  const action = registry.get(query.action);
  if (!action || query.version !== STS_API_VERSION) throw StsErrors.invalidAction(query.action, query.version);
  return action;
}

function splitTarget(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf("?");
  return q < 0 ? { path: url, rawQuery: "" } : { path: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

/** Headers for SigV4 come from rawHeaders: names lower-cased, repeats joined with "," (not ", "). */
function signable(req: Request, path: string, rawQuery: string, body: Uint8Array): SignableRequest {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { method: req.method, path, rawQuery, headers, body };
}

function send(res: Response, wire: WireResponse): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(wire.status);
  for (const [name, value] of Object.entries(wire.headers)) res.setHeader(name, value);
  res.setHeader("Content-Length", Buffer.byteLength(wire.body));
  res.end(wire.body);
}

function audit(opts: StsRouterOptions, event: StsAuditEvent): void {
  if (!opts.onAudit) return;
  Promise.resolve()
    .then(() => opts.onAudit!(event))
    .catch((err: unknown) => opts.logger?.error({ err, requestId: event.requestId }, "STS audit hook failed"));
}

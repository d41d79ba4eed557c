// The one place HTTP errors become wire responses for people and for the admin API:
// an HTML page (browsers), or problem+json (RFC 9457) for /api and JSON clients.
// Protocol endpoints (SAML, OAuth, STS) map errors themselves before they reach here.
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { DomainError, isDatabaseUnavailable } from "../errors.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import type { Render } from "./views.ts";

interface Rendered {
  status: number;
  title: string;
  detail: string;
  kind: string;
  fields?: Record<string, string>;
  retryAfter?: number;
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign-in required",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Request too large",
  415: "Unsupported media type",
  423: "Account locked",
  429: "Too many attempts",
  500: "Something went wrong",
  503: "Service unavailable",
};

export function classify(err: unknown): Rendered {
  if (err instanceof DomainError) {
    return { status: err.status, title: TITLES[err.status] ?? "Error", detail: err.message, kind: err.kind, fields: err.fields, retryAfter: err.retryAfter };
  }
  if (isDatabaseUnavailable(err)) {
    return { status: 503, title: TITLES[503]!, detail: "The service cannot reach its database right now. Please try again shortly.", kind: "unavailable", retryAfter: 5 };
  }
  // body-parser / raw-body errors carry a `type` and a status
  const e = err as { type?: string; status?: number; statusCode?: number };
  const status = e.status ?? e.statusCode;
  if (e.type === "entity.too.large") return { status: 413, title: TITLES[413]!, detail: "The request body is larger than this endpoint accepts.", kind: "too_large" };
  if (e.type === "entity.parse.failed") return { status: 400, title: TITLES[400]!, detail: "The request body could not be parsed.", kind: "invalid" };
  if (e.type === "charset.unsupported" || e.type === "encoding.unsupported") return { status: 415, title: TITLES[415]!, detail: "Unsupported request encoding.", kind: "invalid" };
  if (typeof status === "number" && status >= 400 && status < 500) return { status, title: TITLES[status] ?? "Bad request", detail: "The request was not accepted.", kind: "invalid" };
  return { status: 500, title: TITLES[500]!, detail: "An unexpected error occurred. It has been logged.", kind: "internal" };
}

export function wantsJson(req: Request): boolean {
  return req.path.startsWith("/api/") || req.originalUrl.startsWith("/api/") || (!!req.get("accept")?.includes("json") && !req.accepts("html"));
}

export function errorHandler(deps: { logger: Logger; metrics: Metrics; render: Render }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const r = classify(err);
    const requestId = res.locals.requestId as string | undefined;
    deps.metrics.errors.inc({ kind: r.kind });
    if (r.status >= 500) deps.logger.error({ err, requestId, path: req.path }, "request failed");
    if (res.headersSent) return void res.end();
    if (r.retryAfter) res.setHeader("Retry-After", String(r.retryAfter));
    res.status(r.status);
    if (wantsJson(req)) {
      res.type("application/problem+json").send(JSON.stringify({ type: "about:blank", title: r.title, status: r.status, detail: r.detail, errors: r.fields, requestId }));
      return;
    }
    res.type("html").send(deps.render("error", { title: r.title, detail: r.detail, status: r.status, requestId, user: null }));
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new DomainError("not_found", `Nothing at ${req.method} ${req.path}.`));
};

// Prometheus metrics. One registry per app instance (not prom-client's global), so that several
// instances in one process (tests) do not collide.
import type { RequestHandler } from "express";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: "http_requests_total", help: "HTTP requests by method, route and status", labelNames: ["method", "route", "status"], registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency by method and route",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly logins = new Counter({ name: "idp_logins_total", help: "Login attempts by outcome", labelNames: ["outcome"], registers: [this.registry] });
  readonly errors = new Counter({ name: "idp_errors_total", help: "Errors answered, by kind", labelNames: ["kind"], registers: [this.registry] });
  // Protocol counters. Every label value comes from a fixed set (routed action names, error codes,
  // registered SP entity IDs, known grant types), never from what a client sent: see the callers.
  // prom-client's inc() costs ~1 µs with three labels: ~0.1 % of an STS exchange, not worth a
  // counter of our own
  readonly stsRequests = new Counter({
    name: "idp_sts_requests_total",
    help: "STS requests answered, by routed action (unknown when none), outcome and AWS error code (empty on success)",
    labelNames: ["action", "outcome", "code"],
    registers: [this.registry],
  });
  readonly samlAssertions = new Counter({
    name: "idp_saml_assertions_total",
    help: "SAML responses issued (success) or refused (the SAML status), by registered SP entity ID (unknown when none)",
    labelNames: ["sp", "outcome"],
    registers: [this.registry],
  });
  readonly oidcGrants = new Counter({
    name: "idp_oidc_grants_total",
    help: "OAuth token endpoint grants by grant type (other when not a known one) and outcome (success or the OAuth error code)",
    labelNames: ["grant_type", "outcome"],
    registers: [this.registry],
  });

  #scrape: () => Promise<string> = () => this.registry.metrics();

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  /** The text /metrics serves: this registry, or what scrapeWith() set (a cluster worker: all workers' sum). */
  scrape(): Promise<string> {
    return this.#scrape();
  }

  scrapeWith(source: () => Promise<string>): void {
    this.#scrape = source;
  }

  /**
   * Records count and latency per matched route pattern (never the raw path: unbounded labels).
   * Endpoints matched without an Express route name theirs in res.locals.metricsRoute.
   */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.on("finish", () => {
        const named = res.locals.metricsRoute as string | undefined;
        const route = named ?? (req.route?.path ? `${req.baseUrl}${req.route.path}` : res.statusCode === 404 ? "unmatched" : req.baseUrl || "other");
        end({ method: req.method, route });
        this.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}

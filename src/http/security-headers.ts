// Security headers for every response (helmet), with a strict CSP: pages use no external assets,
// no inline scripts and no framing. HSTS only when the base URL is https.
// helmet's headers depend only on its options, so they are computed once and replayed: running
// helmet's thirteen nested middlewares on every request cost ~5 % of an STS exchange.
import helmet from "helmet";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";

export function securityHeaders(opts: { https: boolean }): RequestHandler {
  const { set, removed } = recordHeaders(helmet(helmetOptions(opts)));
  return (_req, res, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

/** What a middleware sets and removes on a response, captured once on a stand-in response. */
function recordHeaders(middleware: ReturnType<typeof helmet>): { set: [string, string | string[]][]; removed: string[] } {
  const set = new Map<string, [string, string | string[]]>();
  const removed = new Set<string>();
  const res = {
    setHeader(name: string, value: string | string[]) {
      set.set(name.toLowerCase(), [name, value]);
      removed.delete(name.toLowerCase());
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase());
      removed.add(name.toLowerCase());
    },
  };
  let finished = false;
  middleware({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error("helmet did not complete synchronously; its headers cannot be precomputed");
  return { set: [...set.values()], removed: [...removed] };
}

/** The helmet configuration (exported for the test that compares the replay with helmet itself). */
export function helmetOptions(opts: { https: boolean }): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    strictTransportSecurity: opts.https ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "no-referrer" },
  };
}

/** Dynamic, per-user responses must never be stored by shared caches or the browser's back button. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Pragma", "no-cache");
  next();
};

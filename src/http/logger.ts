// Structured JSON logs (pino). One line per request on completion, carrying the request id.
import { pino, type Logger } from "pino";
import type { RequestHandler } from "express";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "idp-gateway" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Defence in depth: never log secrets even if a caller passes them in an object.
    redact: { paths: ["password", "*.password", "secret", "*.secret", "privateKey", "*.privateKey", "req.headers.cookie", "req.headers.authorization"], censor: "[redacted]" },
  });
}

export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      // most deployments log at info or above: skip building a line nobody writes
      if (res.statusCode < 500 && !logger.isLevelEnabled("debug")) return;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const line = { requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ip: req.ip };
      if (res.statusCode >= 500) logger.error(line, "request");
      else logger.debug(line, "request");
    });
    next();
  };
}

export { assignRequestId, requestId } from "./request-id.ts";
export { machineEndpoint, type MachineEndpointOptions } from "./machine-endpoint.ts";
export { currentContext, runWithContext, type RequestContext } from "./request-context.ts";
export { securityHeaders, noStore } from "./security-headers.ts";
export { createLogger, accessLog, type Logger } from "./logger.ts";
export { Metrics } from "./metrics.ts";
export { errorHandler, notFound, classify, wantsJson } from "./errors.ts";
export { healthRouter } from "./health.ts";
export { createRenderer, VIEWS_DIR, type Render } from "./views.ts";

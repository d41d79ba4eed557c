// The admin JSON API under /api/admin: bearer tokens (auth.ts), JSON bodies, problem+json errors
// (the shared error handler answers RFC 9457 for every /api path), and its OpenAPI 3.1 document.
import { Router } from "express";
import type { Services } from "../../services.ts";
import { openApiDocument } from "../openapi.ts";
import { appsApi } from "./apps.ts";
import { requireBearer } from "./auth.ts";
import { directoryApi } from "./directory.ts";
import { jsonBody, requireJson } from "./http.ts";
import { opsApi } from "./ops.ts";
import { rolesApi } from "./roles.ts";
import { stsSessionsApi } from "./sts-sessions.ts";
import { upstreamsApi } from "./upstreams.ts";
import { userSessionsApi } from "./user-sessions.ts";

export { ADMIN_READ_SCOPE, ADMIN_SCOPE, apiAudience } from "./auth.ts";

export function adminApiRouter(s: Services): Router {
  const r = Router();
  const doc = JSON.stringify(openApiDocument(s.config.baseUrl));
  // public: describes the API, holds no data
  r.get("/openapi.json", (_req, res) => {
    res.type("application/json").send(doc);
  });
  r.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  r.use(requireBearer(s), requireJson, jsonBody);
  r.use(directoryApi(s), userSessionsApi(s), rolesApi(s), appsApi(s), upstreamsApi(s), stsSessionsApi(s), opsApi(s));
  return r;
}

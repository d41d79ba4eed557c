// The admin module: server-rendered pages under /admin (web session, admin or auditor group,
// CSRF on every form) and the JSON API under /api/admin (bearer tokens, problem+json, OpenAPI).
import { Router } from "express";
import { requireUser } from "../auth/index.ts";
import type { Services } from "../services.ts";
import { requireAdminSession } from "./access.ts";
import { adminApiRouter } from "./api/index.ts";
import { auditPages } from "./pages/audit.ts";
import { clientPages } from "./pages/clients.ts";
import { dashboardPage } from "./pages/dashboard.ts";
import { groupPages } from "./pages/groups.ts";
import { keyPages } from "./pages/keys.ts";
import { mappingPages } from "./pages/mappings.ts";
import { previewPages } from "./pages/preview.ts";
import { providerPages } from "./pages/providers.ts";
import { rolePages } from "./pages/roles.ts";
import { spPages } from "./pages/sps.ts";
import { stsSessionPages } from "./pages/sts-sessions.ts";
import { upstreamGroupPages } from "./pages/upstream-groups.ts";
import { upstreamPages } from "./pages/upstreams.ts";
import { userPages } from "./pages/users.ts";

export { adminApiRouter } from "./api/index.ts";
export { computePreview, type Preview, type PreviewRequest } from "./preview.ts";
export { roleOf, type AdminRole } from "./access.ts";
export { deleteUser, resetPassword, setDisabled } from "./user-standing.ts";

export function adminRouter(s: Services): Router {
  const pages = Router();
  pages.use(requireUser, requireAdminSession(s));
  for (const make of [dashboardPage, userPages, groupPages, rolePages, mappingPages, spPages, clientPages, providerPages, upstreamPages, upstreamGroupPages, stsSessionPages, keyPages, auditPages, previewPages]) {
    pages.use(make(s));
  }
  const r = Router();
  r.use("/admin", pages);
  r.use("/api/admin", adminApiRouter(s));
  return r;
}

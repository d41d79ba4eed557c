// /admin: counts and the way in to each page.
import { Router } from "express";
import type { Services } from "../../services.ts";
import { adminPage } from "../render.ts";

export function dashboardPage(s: Services): Router {
  const r = Router();
  r.get("/", async (req, res) => {
    const snap = await s.directory.snapshot();
    const users = await s.db.prisma.user.count();
    adminPage(s.render, req, res, "dashboard", {
      title: "Administration",
      counts: { users, groups: snap.groups.length, roles: snap.roles.length, mappings: snap.mappings.length, sps: snap.serviceProviders.length, clients: snap.oidcClients.length },
    });
  });
  return r;
}

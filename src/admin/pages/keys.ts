// /admin/keys: the signing keys (no private material) and rotation (audited by the key service).
import { Router } from "express";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { adminPage, done, noticeOf } from "../render.ts";

export function keyPages(s: Services): Router {
  const r = Router();
  r.get("/keys", async (req, res) => {
    adminPage(s.render, req, res, "keys", { title: "Signing keys", keys: await s.keys.list(), notice: noticeOf(req) });
  });
  r.post("/keys/rotate", ...writeGuards(s), async (_req, res) => {
    await s.keys.rotate(actorOf(res));
    done(res, "/admin/keys", "rotated");
  });
  return r;
}

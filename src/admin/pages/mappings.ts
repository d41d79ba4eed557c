// /admin/mappings: the group × role matrix (toggle a mapping, set its session cap) and the
// attribute → session tag rules. A cell carries the mapping's version, so two admins editing the
// same cell cannot silently overwrite each other.
import { Router, type Request, type Response } from "express";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { checked, intOrRaw, text, version } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

export function mappingPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);

  const page = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const snap = await s.directory.snapshot();
    const cell = new Map(snap.mappings.map((m) => [`${m.groupId}|${m.roleId}`, m]));
    adminPage(s.render, req, res, "mappings", {
      title: "Group → role mapping", groups: snap.groups, roles: snap.roles,
      cell: (g: string, ro: string) => cell.get(`${g}|${ro}`), shortRole: (arn: string) => arn.replace(/^arn:[^:]+:iam::(\d+):role\//, "$1 / "),
      tagRules: snap.tagRules, tagForm: {}, notice: noticeOf(req), ...extra,
    }, status);
  };

  r.get("/mappings", (req, res) => page(req, res));
  r.post("/mappings", ...write, async (req, res) => {
    await formAction(res, async () => {
      const duration = intOrRaw(text(req, "sessionDuration"));
      await s.directory.mapGroupToRole({ groupId: text(req, "groupId"), roleId: text(req, "roleId"), sessionDuration: (duration ?? null) as number | null }, actorOf(res));
      done(res, "/admin/mappings", "mapped");
    }, (status, e) => page(req, res, e, status));
  });
  r.post("/mappings/cell", ...write, async (req, res) => {
    const groupId = text(req, "groupId");
    const roleId = text(req, "roleId");
    await formAction(res, async () => {
      if (text(req, "op") === "remove") {
        await s.directory.unmapGroupFromRole(groupId, roleId, actorOf(res));
        return done(res, "/admin/mappings", "unmapped");
      }
      const duration = intOrRaw(text(req, "sessionDuration"));
      await s.directory.updateMapping(groupId, roleId, version(req), (duration ?? null) as number | null, actorOf(res));
      done(res, "/admin/mappings", "saved");
    }, (status, e) => page(req, res, { ...e, badCell: `${groupId}|${roleId}` }, status));
  });

  r.post("/tag-rules", ...write, async (req, res) => {
    const tagForm = { attribute: text(req, "attribute"), tagKey: text(req, "tagKey"), transitive: checked(req, "transitive") };
    await formAction(res, async () => {
      await s.directory.createTagRule(tagForm, actorOf(res));
      done(res, "/admin/mappings#tag-rules", "created");
    }, (status, e) => page(req, res, { tagForm, ...e }, status));
  });
  r.post("/tag-rules/:id/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await s.directory.deleteTagRule(String(req.params.id), actorOf(res));
      done(res, "/admin/mappings#tag-rules", "deleted");
    }, (status, e) => page(req, res, e, status));
  });
  return r;
}

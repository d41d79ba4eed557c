// /admin/groups: create, rename, nest under a parent, see members, delete (refused while the
// group is still mapped to a role, has subgroups or grants app access).
import { Router, type Request, type Response } from "express";
import { Invalid, NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { text, version } from "../forms.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

export function groupPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const snap = await s.directory.snapshot();
    const counts = await s.db.prisma.membership.groupBy({ by: ["groupId"], _count: { _all: true } });
    const members = new Map(counts.map((c) => [c.groupId, c._count._all]));
    const rows = snap.groups.map((g) => ({
      ...g, parent: g.parentId ? snap.groupById.get(g.parentId)?.name : undefined, members: members.get(g.id) ?? 0,
      roles: (snap.mappingsByGroup.get(g.id) ?? []).map((m) => snap.roleById.get(m.roleId)?.arn.replace(/^.*:role\//, "")).filter(Boolean),
    }));
    adminPage(s.render, req, res, "groups", { title: "Groups", groups: rows, all: snap.groups, form: {}, notice: noticeOf(req), ...extra }, status);
  };

  const groupPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const snap = await s.directory.snapshot();
    const g = snap.groupById.get(String(req.params.id));
    if (!g) throw new NotFound("No such group.");
    const members = await s.db.prisma.membership.findMany({ where: { groupId: g.id }, select: { user: { select: { id: true, username: true, displayName: true } } }, orderBy: { user: { username: "asc" } }, take: 500 });
    const children = snap.groups.filter((c) => c.parentId === g.id);
    const roles = (snap.mappingsByGroup.get(g.id) ?? []).map((m) => snap.roleById.get(m.roleId)?.arn).filter(Boolean);
    adminPage(s.render, req, res, "group", {
      title: `Group ${g.name}`, g, members: members.map((m) => m.user), children, roles,
      memberForm: {}, parents: snap.groups.filter((p) => p.id !== g.id), form: { name: g.name, description: g.description ?? "", parentId: g.parentId ?? "" },
      notice: noticeOf(req), ...extra,
    }, status);
  };

  r.get("/groups", (req, res) => listPage(req, res));
  r.post("/groups", ...write, async (req, res) => {
    const form = { name: text(req, "name"), description: text(req, "description"), parentId: text(req, "parentId") };
    await formAction(res, async () => {
      const g = await s.directory.createGroup({ ...form, parentId: form.parentId || null }, actorOf(res));
      done(res, `/admin/groups/${g.id}`, "created");
    }, (status, e) => listPage(req, res, { form, ...e }, status));
  });

  r.get("/groups/:id", (req, res) => groupPage(req, res));
  r.post("/groups/:id", ...write, async (req, res) => {
    const form = { name: text(req, "name"), description: text(req, "description"), parentId: text(req, "parentId") };
    await formAction(res, async () => {
      await s.directory.updateGroup(String(req.params.id), version(req), { ...form, parentId: form.parentId || null }, actorOf(res));
      done(res, `/admin/groups/${req.params.id}`, "saved");
    }, (status, e) => groupPage(req, res, { form, ...e }, status));
  });
  // membership from the group's side: the user's version guards against a concurrent edit of that user
  r.post("/groups/:id/members", ...write, async (req, res) => {
    const memberForm = { username: text(req, "username"), remove: text(req, "remove") };
    await formAction(res, async () => {
      const g = (await s.directory.snapshot()).groupById.get(String(req.params.id));
      if (!g) throw new NotFound("No such group.");
      const user = memberForm.remove ? await s.directory.findUserById(memberForm.remove) : await s.directory.findUserByUsername(memberForm.username.trim());
      if (!user) throw new Invalid("No such user.", { username: "No user with this username." });
      const groupIds = memberForm.remove ? user.groupIds.filter((id) => id !== g.id) : [...user.groupIds, g.id];
      await s.directory.setUserGroups(user.id, user.version, groupIds, actorOf(res));
      done(res, `/admin/groups/${g.id}`, "saved");
    }, (status, e) => groupPage(req, res, { memberForm, ...e }, status));
  });
  r.post("/groups/:id/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await s.directory.deleteGroup(String(req.params.id), version(req), actorOf(res));
      done(res, "/admin/groups", "deleted");
    }, (status, e) => groupPage(req, res, e, status));
  });
  return r;
}

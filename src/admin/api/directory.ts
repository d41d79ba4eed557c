// /api/admin users and groups. Disable, password reset, two-step reset and delete also end the
// user's sessions and app grants (user-standing.ts).
import { Router } from "express";
import { NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf } from "../access.ts";
import { resetMfa } from "../mfa-reset.ts";
import { deleteUser, resetPassword, setDisabled } from "../user-standing.ts";
import { body, param, versionOf } from "./http.ts";

const num = (v: unknown) => (typeof v === "string" && /^\d{1,9}$/.test(v) ? Number(v) : undefined);

export function directoryApi(s: Services): Router {
  const r = Router();
  const d = s.directory;

  r.get("/users", async (req, res) => {
    const search = typeof req.query.search === "string" ? req.query.search.slice(0, 100) : undefined;
    res.json(await d.listUsers({ search, offset: num(req.query.offset), limit: num(req.query.limit) }));
  });
  r.post("/users", async (req, res) => {
    res.status(201).json(await d.createUser(body(req) as never, actorOf(res)));
  });
  r.get("/users/:id", async (req, res) => {
    const user = await d.getUser(param(req, "id"));
    res.json({ ...user, mfa: await s.auth.mfa.status(user.id) });
  });
  r.patch("/users/:id", async (req, res) => {
    const { email, displayName, attributes } = body(req);
    res.json(await d.updateUser(param(req, "id"), versionOf(req), { email, displayName, attributes }, actorOf(res)));
  });
  r.put("/users/:id/groups", async (req, res) => {
    res.json(await d.setUserGroups(param(req, "id"), versionOf(req), body(req).groupIds, actorOf(res)));
  });
  r.put("/users/:id/disabled", async (req, res) => {
    res.json((await setDisabled(s, param(req, "id"), versionOf(req), body(req).disabled, actorOf(res))).user);
  });
  r.put("/users/:id/password", async (req, res) => {
    const id = param(req, "id");
    await d.getUser(id);
    await resetPassword(s, id, body(req).password ?? undefined, actorOf(res));
    res.status(204).end();
  });
  r.delete("/users/:id/mfa", async (req, res) => {
    const user = await d.getUser(param(req, "id"));
    await resetMfa(s, user.id, actorOf(res));
    res.status(204).end();
  });
  r.delete("/users/:id", async (req, res) => {
    await deleteUser(s, param(req, "id"), versionOf(req), actorOf(res));
    res.status(204).end();
  });

  r.get("/groups", async (_req, res) => {
    res.json({ groups: (await d.snapshot()).groups });
  });
  r.post("/groups", async (req, res) => {
    const { name, description, parentId } = body(req);
    res.status(201).json(await d.createGroup({ name, description, parentId }, actorOf(res)));
  });
  r.get("/groups/:id", async (req, res) => {
    const g = (await d.snapshot()).groupById.get(param(req, "id"));
    if (!g) throw new NotFound("No such group.");
    const members = await s.db.prisma.membership.findMany({ where: { groupId: g.id }, select: { userId: true, user: { select: { username: true } } }, take: 1000 });
    res.json({ ...g, members: members.map((m) => ({ id: m.userId, username: m.user.username })) });
  });
  r.patch("/groups/:id", async (req, res) => {
    const { name, description, parentId } = body(req);
    res.json(await d.updateGroup(param(req, "id"), versionOf(req), { name, description, parentId }, actorOf(res)));
  });
  r.delete("/groups/:id", async (req, res) => {
    await d.deleteGroup(param(req, "id"), versionOf(req), actorOf(res));
    res.status(204).end();
  });
  return r;
}

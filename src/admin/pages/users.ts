// /admin/users: list with search and paging, create, edit attributes, disable, reset password,
// reset two-step verification, group membership, web sessions (list, end all), delete. Every write carries the version it read.
// Disable, password reset, two-step reset and delete also end the user's sessions and app grants (user-standing.ts).
import { Router, type Request, type Response } from "express";
import type { DirectoryUser, JsonObject } from "../../directory/index.ts";
import { isId } from "../../directory/index.ts";
import { NotFound } from "../../errors.ts";
import type { Services } from "../../services.ts";
import { actorOf, writeGuards } from "../access.ts";
import { checked, jsonObject, list, text, version } from "../forms.ts";
import { endUserSessions } from "../end-user-sessions.ts";
import { resetMfa } from "../mfa-reset.ts";
import { deleteUser, resetPassword, setDisabled } from "../user-standing.ts";
import { adminPage, done, formAction, noticeOf } from "../render.ts";

const PAGE_SIZE = 25;

export function userPages(s: Services): Router {
  const r = Router();
  const write = writeGuards(s);

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 100) : "";
    const pageNo = Math.max(1, Number.parseInt(String(req.query.page ?? "1"), 10) || 1);
    const [result, snap] = await Promise.all([s.directory.listUsers({ search: q, offset: (pageNo - 1) * PAGE_SIZE, limit: PAGE_SIZE }), s.directory.snapshot()]);
    const groupName = (id: string) => snap.groupById.get(id)?.name ?? "?";
    adminPage(s.render, req, res, "users", {
      title: "Users", q, pageNo, pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)), total: result.total,
      users: result.users.map((u) => ({ ...u, groups: u.groupIds.map(groupName).sort() })),
      groups: snap.groups, form: {}, notice: noticeOf(req), ...extra,
    }, status);
  };

  const userPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const user = await load(s, String(req.params.id));
    const [snap, mfa, sessions, grants] = await Promise.all([s.directory.snapshot(), s.auth.mfa.status(user.id), s.auth.userSessions.list(user.id), s.oidc.consents.list(user.id)]);
    adminPage(s.render, req, res, "user", {
      title: `User ${user.username}`, u: user, mfa, groups: snap.groups, sessions, grantCount: grants.length,
      form: { email: user.email ?? "", displayName: user.displayName ?? "", attributes: JSON.stringify(user.attributes, null, 2) },
      notice: noticeOf(req), ...extra,
    }, status);
  };

  r.get("/users", (req, res) => listPage(req, res));
  r.post("/users", ...write, async (req, res) => {
    const form = { username: text(req, "username"), email: text(req, "email"), displayName: text(req, "displayName"), attributes: text(req, "attributes") };
    const groupIds = list(req, "groupIds");
    await formAction(res, async () => {
      const password = text(req, "password");
      const u = await s.directory.createUser({
        ...form, attributes: jsonObject(form.attributes, "attributes") as JsonObject, groupIds,
        ...(password ? { password } : {}),
      }, actorOf(res));
      done(res, `/admin/users/${u.id}`, "created");
    }, (status, e) => listPage(req, res, { form: { ...form, groupIds }, ...e }, status));
  });

  r.get("/users/:id", (req, res) => userPage(req, res));
  r.post("/users/:id", ...write, async (req, res) => {
    const form = { email: text(req, "email"), displayName: text(req, "displayName"), attributes: text(req, "attributes") };
    await formAction(res, async () => {
      await s.directory.updateUser(String(req.params.id), version(req), { ...form, attributes: jsonObject(form.attributes, "attributes") as JsonObject }, actorOf(res));
      done(res, `/admin/users/${req.params.id}`, "saved");
    }, (status, e) => userPage(req, res, { form, ...e }, status));
  });

  r.post("/users/:id/disabled", ...write, async (req, res) => {
    const disable = checked(req, "disabled");
    await formAction(res, async () => {
      await setDisabled(s, String(req.params.id), version(req), disable, actorOf(res));
      done(res, `/admin/users/${req.params.id}`, disable ? "disabled" : "enabled");
    }, (status, e) => userPage(req, res, e, status));
  });

  r.post("/users/:id/password", ...write, async (req, res) => {
    await formAction(res, async () => {
      await resetPassword(s, String(req.params.id), text(req, "password"), actorOf(res));
      done(res, `/admin/users/${req.params.id}`, "password");
    }, (status, e) => userPage(req, res, e, status));
  });

  r.post("/users/:id/mfa-reset", ...write, async (req, res) => {
    const user = await load(s, String(req.params.id));
    await resetMfa(s, user.id, actorOf(res));
    done(res, `/admin/users/${user.id}`, "mfa");
  });

  r.post("/users/:id/sessions/end-all", ...write, async (req, res) => {
    const user = await load(s, String(req.params.id));
    await endUserSessions(s, user, actorOf(res));
    done(res, `/admin/users/${user.id}`, "sessionsEnded");
  });

  r.post("/users/:id/groups", ...write, async (req, res) => {
    await formAction(res, async () => {
      await s.directory.setUserGroups(String(req.params.id), version(req), list(req, "groupIds"), actorOf(res));
      done(res, `/admin/users/${req.params.id}`, "saved");
    }, (status, e) => userPage(req, res, e, status));
  });

  r.post("/users/:id/delete", ...write, async (req, res) => {
    await formAction(res, async () => {
      await deleteUser(s, String(req.params.id), version(req), actorOf(res));
      done(res, "/admin/users", "deleted");
    }, (status, e) => userPage(req, res, e, status));
  });
  return r;
}

async function load(s: Services, id: string): Promise<DirectoryUser> {
  const user = isId(id) ? await s.directory.findUserById(id) : undefined;
  if (!user) throw new NotFound("No such user.");
  return user;
}

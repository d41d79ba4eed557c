// The directory: cached reads for the hot paths, audited all-or-nothing writes for admins.
// - Every write is one transaction: bump directory_version (its row lock serialises directory
//   writers on every instance), validate against current rows, write, NOTIFY, audit.
// - Every instance LISTENs and drops its caches on a NOTIFY or a listener reconnect; the writer
//   drops its own right after commit, so it reads its own writes.
import type { AuditLog } from "../audit/index.ts";
import type { PasswordHasher } from "../auth/password.ts";
import type { Database, Unlisten } from "../db/index.ts";
import { NotFound } from "../errors.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { DirectoryCache } from "./cache.ts";
import { toDomainError } from "./db-errors.ts";
import * as inputs from "./inputs.ts";
import { loadSnapshot, toUser, USER_SELECT } from "./load.ts";
import { appsFor, effectiveGroupsOf } from "./snapshot.ts";
import type * as T from "./types.ts";
import { accountIdProblem, isId, normalizeUsername, usernameProblem } from "./validation.ts";
import * as apps from "./writes/apps.ts";
import { checkVersion, requireId, type AfterCreate, type AlsoInTx, type Outcome, type Tx } from "./writes/common.ts";
import * as groups from "./writes/groups.ts";
import * as roles from "./writes/roles.ts";
import * as users from "./writes/users.ts";

export const DIRECTORY_CHANNEL = "idp_directory";

export interface DirectoryServiceOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  passwords: PasswordHasher;
  /** LISTEN for other instances' writes; without it only this instance's own writes drop its caches */
  listen?: Database["listen"];
  /** users kept in memory (LRU); default 10,000 */
  userCacheSize?: number;
}

export class DirectoryService {
  private readonly prisma: PrismaClient;
  private readonly cache: DirectoryCache;
  private unlisten?: Unlisten;

  constructor(private readonly opts: DirectoryServiceOptions) {
    this.prisma = opts.prisma;
    this.cache = new DirectoryCache(opts.userCacheSize ?? 10_000);
  }

  async init(): Promise<void> {
    const drop = () => this.cache.drop();
    // A reconnect means NOTIFYs may have been missed while disconnected: start over.
    if (this.opts.listen && !this.unlisten) this.unlisten = await this.opts.listen(DIRECTORY_CHANNEL, drop, drop);
    await this.snapshot();
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** Forget everything cached (also done on every write and every NOTIFY). */
  invalidate(): void {
    this.cache.drop();
  }

  // ---------------------------------------------------------------- reads

  snapshot(): Promise<T.DirectorySnapshot> {
    return this.cache.snapshot(() => loadSnapshot(this.prisma));
  }

  async findUserById(id: string): Promise<T.DirectoryUser | undefined> {
    if (!isId(id)) return undefined;
    return this.cache.user(`id:${id}`, async () => {
      const row = await this.prisma.user.findUnique({ where: { id }, select: USER_SELECT });
      return row ? toUser(row) : undefined;
    });
  }

  async getUser(id: string): Promise<T.DirectoryUser> {
    const user = await this.findUserById(id);
    if (!user) throw new NotFound("No such user.");
    return user;
  }

  /** Usernames compare case-insensitively (they are stored lower-cased). */
  async findUserByUsername(username: string): Promise<T.DirectoryUser | undefined> {
    if (typeof username !== "string" || usernameProblem(username)) return undefined;
    const name = normalizeUsername(username);
    return this.cache.user(`name:${name}`, async () => {
      const row = await this.prisma.user.findUnique({ where: { username: name }, select: USER_SELECT });
      return row ? toUser(row) : undefined;
    });
  }

  /** Admin listing: always from the database, paged, newest data. */
  async listUsers(q: T.ListUsersQuery = {}): Promise<T.UserPage> {
    const search = q.search?.trim();
    const contains = { contains: search, mode: "insensitive" } as const;
    const where = search ? { OR: [{ username: contains }, { email: contains }, { displayName: contains }] } : {};
    const take = Math.min(Math.max(Math.trunc(q.limit ?? 50) || 50, 1), 500);
    const skip = Math.max(Math.trunc(q.offset ?? 0) || 0, 0);
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.user.count({ where }),
      this.prisma.user.findMany({ where, select: USER_SELECT, orderBy: { username: "asc" }, skip, take }),
    ]);
    return { total, users: rows.map(toUser) };
  }

  /** The user's groups and all their ancestors, by name. */
  async effectiveGroups(userId: string): Promise<T.GroupRecord[]> {
    const [user, snapshot] = await Promise.all([this.getUser(userId), this.snapshot()]);
    return effectiveGroupsOf(snapshot, user.groupIds);
  }

  /** SAML SPs and OIDC clients this user may sign in to. */
  async appsForUser(userId: string): Promise<T.AppsForUser> {
    const [user, snapshot] = await Promise.all([this.getUser(userId), this.snapshot()]);
    return appsFor(snapshot, effectiveGroupsOf(snapshot, user.groupIds));
  }

  // ---------------------------------------------------------------- users

  /** `then` writes more in the same transaction once the user exists (auth/upstream links a just-in-time user to its upstream account). */
  async createUser(input: T.CreateUserInput, actor: string, then?: AfterCreate): Promise<T.DirectoryUser> {
    const i = inputs.userCreate(input);
    // hash before the transaction: argon2 takes milliseconds we should not spend holding the lock
    const hash = i.password === undefined ? undefined : await this.opts.passwords.hash(i.password);
    return this.write("directory.user.create", actor, async (tx) => {
      const out = await users.createUser(tx, i, hash);
      return then ? { ...out, details: { ...out.details, ...(await then(tx, out.result)) } } : out;
    });
  }

  async updateUser(id: string, version: number, patch: T.UpdateUserInput, actor: string): Promise<T.DirectoryUser> {
    const p = inputs.userUpdate(patch);
    return this.change("user", id, version, "directory.user.update", actor, (tx, v) => users.updateUser(tx, id, v, p));
  }

  async setUserDisabled(id: string, version: number, disabled: boolean, actor: string, also?: AlsoInTx): Promise<T.DirectoryUser> {
    inputs.check("user", { disabled: typeof disabled === "boolean" ? undefined : "Choose yes or no." });
    const action = disabled ? "directory.user.disable" : "directory.user.enable";
    return this.change("user", id, version, action, actor, (tx, v) => users.setDisabled(tx, id, v, disabled), also);
  }

  async setUserGroups(id: string, version: number, groupIds: readonly string[], actor: string): Promise<T.DirectoryUser> {
    const ids = inputs.groupIds(groupIds);
    return this.change("user", id, version, "directory.user.groups", actor, (tx, v) => users.setGroups(tx, id, v, ids));
  }

  /** Set (or, with null, remove) a user's password as an administrator. */
  async setUserPassword(id: string, password: string | null, actor: string, also?: AlsoInTx): Promise<void> {
    requireId(id, "user");
    const hash = password === null ? null : await this.opts.passwords.hash(inputs.password(password));
    return this.write("directory.user.password", actor, (tx) => users.setPassword(tx, id, hash), also);
  }

  async deleteUser(id: string, version: number, actor: string, also?: AlsoInTx): Promise<void> {
    return this.change("user", id, version, "directory.user.delete", actor, (tx, v) => users.deleteUser(tx, id, v), also);
  }

  // ---------------------------------------------------------------- groups

  async createGroup(input: T.CreateGroupInput, actor: string): Promise<T.GroupRecord> {
    const i = inputs.groupCreate(input);
    return this.write("directory.group.create", actor, (tx) => groups.createGroup(tx, i));
  }

  /** Rename, describe, or move under another parent (null: top level); cycles are refused. */
  async updateGroup(id: string, version: number, patch: T.UpdateGroupInput, actor: string): Promise<T.GroupRecord> {
    const p = inputs.groupUpdate(patch);
    return this.change("group", id, version, "directory.group.update", actor, (tx, v) => groups.updateGroup(tx, id, v, p));
  }

  /** Refused (Conflict) while the group has role mappings, subgroups or app access. */
  async deleteGroup(id: string, version: number, actor: string): Promise<void> {
    return this.change("group", id, version, "directory.group.delete", actor, (tx, v) => groups.deleteGroup(tx, id, v));
  }

  // ---------------------------------------------------------------- roles, mappings, tag rules

  async createRole(input: T.CreateRoleInput, actor: string): Promise<T.RoleRecord> {
    const i = inputs.role(input);
    return this.write("directory.role.create", actor, (tx) => roles.createRole(tx, i));
  }

  async updateRole(id: string, version: number, patch: T.UpdateRoleInput, actor: string): Promise<T.RoleRecord> {
    return this.change("role", id, version, "directory.role.update", actor, (tx, v) => roles.updateRole(tx, id, v, patch));
  }

  /** Removes the role's mappings with it. */
  async deleteRole(id: string, version: number, actor: string): Promise<void> {
    return this.change("role", id, version, "directory.role.delete", actor, (tx, v) => roles.deleteRole(tx, id, v));
  }

  async mapGroupToRole(input: T.MapGroupInput, actor: string): Promise<T.MappingRecord> {
    const i = inputs.mapping(input);
    return this.write("directory.mapping.create", actor, (tx) => roles.mapGroup(tx, i));
  }

  async unmapGroupFromRole(groupId: string, roleId: string, actor: string): Promise<void> {
    if (!isId(groupId) || !isId(roleId)) throw new NotFound("This group is not mapped to this role.");
    return this.write("directory.mapping.delete", actor, (tx) => roles.unmapGroup(tx, groupId, roleId));
  }

  /** Set (or, with null, clear) the session cap of an existing mapping; versioned like every edit. */
  async updateMapping(groupId: string, roleId: string, version: number, sessionDuration: number | null, actor: string): Promise<T.MappingRecord> {
    if (!isId(groupId) || !isId(roleId)) throw new NotFound("This group is not mapped to this role.");
    const v = checkVersion(version);
    const i = inputs.mapping({ groupId, roleId, sessionDuration });
    return this.write("directory.mapping.update", actor, (tx) => roles.updateMapping(tx, groupId, roleId, v, i.sessionDuration));
  }

  async createTagRule(input: T.TagRuleInput, actor: string): Promise<T.TagRuleRecord> {
    const i = inputs.tagRule(input);
    return this.write("directory.tag_rule.create", actor, (tx) => roles.createTagRule(tx, i));
  }

  async deleteTagRule(id: string, actor: string): Promise<void> {
    requireId(id, "tag rule");
    return this.write("directory.tag_rule.delete", actor, (tx) => roles.deleteTagRule(tx, id));
  }

  /** Names an AWS account (its alias), or renames it. */
  async setAccountAlias(input: T.AccountRecord, actor: string): Promise<T.AccountRecord> {
    const i = inputs.accountAlias(input);
    return this.write("directory.account.alias", actor, (tx) => roles.setAccountAlias(tx, i));
  }

  async removeAccountAlias(accountId: string, actor: string): Promise<void> {
    if (accountIdProblem(accountId)) throw new NotFound(`Account ${String(accountId).slice(0, 20)} has no name.`);
    return this.write("directory.account.unalias", actor, (tx) => roles.removeAccountAlias(tx, accountId));
  }

  // ---------------------------------------------------------------- apps

  async createServiceProvider(input: T.ServiceProviderInput, actor: string): Promise<T.ServiceProviderRecord> {
    const i = inputs.serviceProvider(input);
    return this.write("directory.sp.create", actor, (tx) => apps.createServiceProvider(tx, i));
  }

  async updateServiceProvider(id: string, version: number, patch: T.UpdateServiceProviderInput, actor: string): Promise<T.ServiceProviderRecord> {
    return this.change("service provider", id, version, "directory.sp.update", actor, (tx, v) => apps.updateServiceProvider(tx, id, v, patch));
  }

  async deleteServiceProvider(id: string, version: number, actor: string): Promise<void> {
    return this.change("service provider", id, version, "directory.sp.delete", actor, (tx, v) => apps.deleteServiceProvider(tx, id, v));
  }

  async createOidcClient(input: T.OidcClientInput, actor: string): Promise<T.OidcClientRecord> {
    const i = inputs.oidcClient(input);
    return this.write("directory.oidc_client.create", actor, (tx) => apps.createOidcClient(tx, i));
  }

  async updateOidcClient(id: string, version: number, patch: T.UpdateOidcClientInput, actor: string): Promise<T.OidcClientRecord> {
    return this.change("OIDC client", id, version, "directory.oidc_client.update", actor, (tx, v) => apps.updateOidcClient(tx, id, v, patch));
  }

  async deleteOidcClient(id: string, version: number, actor: string): Promise<void> {
    return this.change("OIDC client", id, version, "directory.oidc_client.delete", actor, (tx, v) => apps.deleteOidcClient(tx, id, v));
  }

  // ---------------------------------------------------------------- write machinery

  /** A write to an existing, versioned entry: unknown ids are NotFound before any transaction. */
  private async change<R>(what: string, id: string, version: number, action: string, actor: string, fn: (tx: Tx, version: number) => Promise<Outcome<R>>, also?: AlsoInTx): Promise<R> {
    requireId(id, what);
    const v = checkVersion(version);
    return this.write(action, actor, (tx) => fn(tx, v), also);
  }

  private async write<R>(action: string, actor: string, fn: (tx: Tx) => Promise<Outcome<R>>, also?: AlsoInTx): Promise<R> {
    let outcome: Outcome<R>;
    try {
      outcome = await this.prisma.$transaction(
        async (tx) => {
          // First statement: the version row's lock makes directory writers take turns on every
          // instance, so the checks inside `fn` (case-insensitive names, cycles, the tag-rule cap) cannot race.
          const [row] = await tx.$queryRaw<{ version: bigint }[]>`
            INSERT INTO directory_version (id, version) VALUES (1, 1)
            ON CONFLICT (id) DO UPDATE SET version = directory_version.version + 1
            RETURNING version`;
          const extra = also ? await also(tx) : undefined;
          const out = await fn(tx);
          // delivered at commit, to every instance (this one included)
          await tx.$executeRaw`SELECT pg_notify(${DIRECTORY_CHANNEL}, ${String(row!.version)})`;
          await this.opts.audit.record({ actor, action, target: out.target, outcome: "success", details: extra ? { ...out.details, ...extra } : out.details }, tx);
          return out;
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
    } catch (err) {
      throw toDomainError(err);
    }
    this.cache.drop();
    return outcome.result;
  }
}

// Shared pieces of directory writes. Each write function runs inside the transaction that
// DirectoryService.write opened, and returns what the audit event should say about it.
import { Conflict, Invalid, NotFound } from "../../errors.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { DirectoryUser } from "../types.ts";
import { isId } from "../validation.ts";

export type Tx = Prisma.TransactionClient;

export interface Outcome<T> {
  result: T;
  /** "<kind>:<id>" of the changed entry */
  target: string;
  /** non-secret facts for the audit log */
  details?: Record<string, unknown>;
}

/**
 * More work for a write's own transaction, from outside the directory (admin/user-standing.ts ends
 * the user's sessions and grants with a password reset, disable or delete). It runs before the
 * write, while the rows it touches still exist, and what it returns joins the audit event's details.
 */
export type AlsoInTx = (tx: Tx) => Promise<Record<string, unknown>>;

/** More work after a create, in its transaction, given the new entry; what it returns joins the audit details. */
export type AfterCreate = (tx: Tx, user: DirectoryUser) => Promise<Record<string, unknown>>;

/** Optimistic concurrency: the caller sends the version it read; a mismatch writes nothing. */
export function checkVersion(version: unknown): number {
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new Invalid("Reload the page: the version of the entry is missing.", { version: "Missing or invalid version." });
  }
  return version;
}

/** After an `updateMany/deleteMany where {id, version}`: 1 row = done, else tell "gone" from "changed". */
export async function guarded(what: string, changed: { count: number }, exists: () => Promise<unknown>): Promise<void> {
  if (changed.count === 1) return;
  if (await exists()) throw new Conflict(`This ${what} was changed by someone else; reload and try again.`);
  throw new NotFound(`No such ${what}.`);
}

export function requireId(id: unknown, what: string): asserts id is string {
  if (!isId(id)) throw new NotFound(`No such ${what}.`);
}

/** Referenced groups must exist now (under the directory lock), not just when the form was drawn. */
export async function assertGroupsExist(tx: Tx, ids: readonly string[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx.group.count({ where: { id: { in: [...ids] } } });
  if (found !== ids.length) throw new Invalid("A chosen group no longer exists.", { [field]: "A chosen group no longer exists; reload and choose again." });
}

/** Present fields of a patch, for the audit trail (values of secrets never go there). */
export function changedKeys(patch: object): string[] {
  return Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k)
    .sort();
}

/** A patch without its undefined fields, to merge over the stored entry. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// Database constraint errors → domain errors. Prisma reports them differently per driver adapter:
// @prisma/adapter-pg as PrismaClientKnownRequestError (P2002/P2003 with the constraint's fields),
// the PGlite adapter as a bare DriverAdapterError carrying PostgreSQL's SQLSTATE and detail.
import { Conflict, DomainError, NotFound } from "../errors.ts";

type AnyError = { code?: unknown; meta?: any; cause?: any };

/** unique_violation (23505/P2002) → Conflict naming the API field(s); foreign key (23503/P2003) → Conflict; P2025 → NotFound. */
export function toDomainError(err: unknown): unknown {
  if (err instanceof DomainError || typeof err !== "object" || err === null) return err;
  const e = err as AnyError;
  const sqlstate = e.cause?.code ?? e.meta?.driverAdapterError?.cause?.originalCode;
  if (e.code === "P2002" || sqlstate === "23505") {
    const fields = uniqueFields(e).map(camel);
    const named = fields.length > 0 ? fields.join(" and ") : "value";
    return new Conflict(`That ${named} is already in use.`, Object.fromEntries(fields.map((f) => [f, "Already in use."])));
  }
  if (e.code === "P2003" || sqlstate === "23503") return new Conflict("It is still referenced by other directory entries.");
  if (e.code === "P2025") return new NotFound("It no longer exists.");
  return err;
}

function uniqueFields(e: AnyError): string[] {
  const target = e.meta?.target ?? e.meta?.driverAdapterError?.cause?.constraint?.fields;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === "string") return [target];
  // PostgreSQL's detail: Key (group_id, role_id)=(…, …) already exists.
  const m = /Key \(([^)]+)\)=/.exec(String(e.cause?.detail ?? ""));
  return m ? m[1]!.split(",").map((s) => s.trim().replace(/^"|"$/g, "")) : [];
}

const camel = (column: string): string => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

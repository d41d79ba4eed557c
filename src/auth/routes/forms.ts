// Form bodies for every page form: URL-encoded, at most 16 kB (a login form is well under 1 kB;
// anything bigger is refused with 413 before it is buffered), flat keys only.
import express from "express";
import type { Request } from "express";
import { Invalid } from "../../errors.ts";

export const formBody = express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 50 });

/** One text field: "" when absent; a repeated field is a malformed form. */
export function field(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const v = body && typeof body === "object" ? body[name] : undefined;
  if (v === undefined) return "";
  if (typeof v !== "string") throw new Invalid(`The form field "${name}" was sent more than once.`);
  return v;
}

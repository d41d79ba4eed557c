// Admin form bodies and field readers. Forms are URL-encoded like every page form, with room for
// a trust policy or a metadata document (256 kB; bigger is 413 before it is buffered).
import express, { type Request } from "express";
import { Invalid } from "../errors.ts";

export const adminForm = express.urlencoded({ extended: false, limit: "256kb", parameterLimit: 400 });

function raw(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  return b && typeof b === "object" ? (b as Record<string, unknown>) : {};
}

/** One text field ("" when absent); a repeated field is a malformed form. */
export function text(req: Request, name: string): string {
  const v = raw(req)[name];
  if (v === undefined) return "";
  if (typeof v !== "string") throw new Invalid(`The form field "${name}" was sent more than once.`, { [name]: "Sent more than once." });
  return v;
}

/** A field that may repeat (checkboxes): always a list of strings. */
export function list(req: Request, name: string): string[] {
  const v = raw(req)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

/** A checkbox: present = true. */
export const checked = (req: Request, name: string): boolean => raw(req)[name] !== undefined;

/** Non-empty lines of a textarea, trimmed. */
export const lines = (s: string): string[] =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** A whole number, or the text itself when it is not one (so validation names the field). */
export function intOrRaw(s: string): number | string | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  return /^-?\d{1,12}$/.test(t) ? Number(t) : t;
}

/** The hidden version field of an edit form. */
export function version(req: Request): number {
  const v = intOrRaw(text(req, "version"));
  return typeof v === "number" ? v : NaN;
}

/** A JSON object typed into a textarea, or Invalid naming the field. */
export function jsonObject(s: string, field: string): Record<string, unknown> {
  if (s.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch (err) {
    throw new Invalid(`${field}: not valid JSON.`, { [field]: `Not valid JSON: ${(err as Error).message}` });
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Invalid(`${field}: must be a JSON object.`, { [field]: "Must be a JSON object ({ … })." });
  return v as Record<string, unknown>;
}

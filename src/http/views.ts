// Server-rendered pages (views/*.eta) with auto-escaping on: every `<%= %>` is HTML-escaped, so
// user-controlled values (names, attributes) cannot inject markup.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Eta } from "eta";

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");

export type Render = (template: string, data: Record<string, unknown>) => string;

/**
 * Templates are compiled once per process, in every mode: reading and compiling a template per
 * request cost a login ~5 % of its CPU. `npm run dev` restarts the process when a view changes.
 */
export function createRenderer(): Render {
  const eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true, autoTrim: false });
  return (template, data) => eta.render(template, data);
}

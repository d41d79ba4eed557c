// Server-rendered pages (views/*.eta) with auto-escaping on: every `<%= %>` is HTML-escaped, so
// user-controlled values (names, attributes) cannot inject markup.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Eta } from "eta";

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../views");

export type Render = (template: string, data: Record<string, unknown>) => string;

export function createRenderer(opts: { cache: boolean }): Render {
  const eta = new Eta({ views: VIEWS_DIR, cache: opts.cache, autoEscape: true, autoTrim: false });
  return (template, data) => eta.render(template, data);
}

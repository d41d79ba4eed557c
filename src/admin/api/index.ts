import { Router } from "express";
import type { Services } from "../../services.ts";
export function adminApiRouter(_s: Services): Router {
  return Router();
}

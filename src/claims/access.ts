// May this user use this app at all? Checked before anything else is computed.
import { Denied, NotFound } from "../errors.ts";
import { hasAccess, type DirectorySnapshot, type GroupRecord } from "../directory/index.ts";
import type { ClaimsTarget } from "./types.ts";

export function checkTargetAccess(snapshot: DirectorySnapshot, target: ClaimsTarget, groups: readonly GroupRecord[]): void {
  const app = target.kind === "saml" ? snapshot.spByEntityId.get(target.id) : snapshot.clientByClientId.get(target.id);
  if (!app) throw new NotFound(target.kind === "saml" ? "Unknown service provider." : "Unknown client.");
  if (!hasAccess(app, new Set(groups.map((g) => g.id)))) throw new Denied(`You do not have access to ${app.name}.`);
}

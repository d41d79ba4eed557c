// Which AWS roles a user may take, through which identity provider, for how long.
import { compare, parseRoleArn, type DirectorySnapshot, type GroupRecord, type RoleRecord } from "../directory/index.ts";
import type { ClaimsTarget, FederatedRole } from "./types.ts";

/**
 * Roles granted by mappings of the user's effective groups (nesting included), one per role ARN.
 * A role reached through several mappings keeps the most generous mapping cap (an unset cap is
 * the role's own maximum); the role's MaxSessionDuration bounds it either way.
 */
export function rolesFor(snapshot: DirectorySnapshot, groups: readonly GroupRecord[], target: ClaimsTarget, issuer: string): FederatedRole[] {
  const best = new Map<string, { role: RoleRecord; cap: number }>();
  for (const g of groups) {
    for (const m of snapshot.mappingsByGroup.get(g.id) ?? []) {
      const role = snapshot.roleById.get(m.roleId);
      if (!role) continue;
      const cap = m.sessionDuration ?? role.maxSessionDuration;
      const seen = best.get(role.arn);
      if (!seen || cap > seen.cap) best.set(role.arn, { role, cap });
    }
  }
  const roles: FederatedRole[] = [];
  for (const { role, cap } of best.values()) {
    const providerArn = providerArnFor(role, target, issuer);
    if (providerArn) roles.push({ roleArn: role.arn, providerArn, maxSessionDuration: Math.min(role.maxSessionDuration, cap) });
  }
  return roles.sort((a, b) => compare(a.roleArn, b.roleArn));
}

/** The longest session any of the roles allows, capped by what the app asked for. */
export function sessionDurationFor(roles: readonly FederatedRole[], requested?: number): number | undefined {
  if (roles.length === 0) return undefined;
  const longest = Math.max(...roles.map((r) => r.maxSessionDuration));
  return requested === undefined ? longest : Math.min(requested, longest);
}

/**
 * SAML: the role's configured IAM SAML provider. OIDC: IAM names the provider after the issuer
 * URL without its scheme, in the role's own account (id_roles_providers_create_oidc).
 */
export function providerArnFor(role: RoleRecord, target: ClaimsTarget, issuer: string): string | undefined {
  if (target.kind === "saml") return role.samlProviderArn;
  const arn = parseRoleArn(role.arn);
  if (!arn) return undefined;
  return `arn:${arn.partition}:iam::${arn.accountId}:oidc-provider/${oidcProviderName(issuer)}`;
}

export function oidcProviderName(issuer: string): string {
  const u = new URL(issuer);
  return `${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

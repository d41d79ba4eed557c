// findAccount and the claims of a user: the directory (cached) and the claims engine decide,
// aws-claims.ts encodes. A disabled or deleted user, or one who lost access to the client, has
// no account here, so refreshing their tokens fails (invalid_grant) rather than minting claims.
import type { Account, AccountClaims, FindAccount, KoaContextWithOIDC } from "oidc-provider";
import { buildFederatedIdentity, rolesFor, type FederatedIdentity } from "../claims/index.ts";
import { effectiveGroupsOf, type DirectoryService } from "../directory/index.ts";
import { DomainError } from "../errors.ts";
import { encodeAwsClaims, ROLES_CLAIM } from "./aws-claims.ts";

export function isMfa(amr: readonly string[] | undefined): boolean {
  return !!amr && (amr.includes("otp") || amr.includes("mfa"));
}

export function accountFinder(directory: DirectoryService, issuer: string): FindAccount {
  return async (ctx: KoaContextWithOIDC, sub: string, token?: unknown): Promise<Account | undefined> => {
    const user = await directory.findUserById(sub);
    if (!user || user.disabled) return undefined;
    const clientId = ctx.oidc.client?.clientId;
    const snapshot = await directory.snapshot();
    const groups = effectiveGroupsOf(snapshot, user.groupIds);
    const t = token as { amr?: string[]; authTime?: number } | undefined;
    const session = ctx.oidc.session;
    const amr = t?.amr ?? session?.amr ?? [];
    const authTime = Number(t?.authTime ?? session?.authTime ?? 0);
    let identity: FederatedIdentity | undefined;
    if (clientId) {
      try {
        identity = buildFederatedIdentity({
          user,
          effectiveGroups: groups,
          snapshot,
          target: { kind: "oidc", id: clientId },
          issuer,
          authTime: authTime ? new Date(authTime * 1000) : new Date(),
          mfa: isMfa(amr),
          amr,
        }).identity;
      } catch (err) {
        if (err instanceof DomainError) return undefined; // no access to this client (any more)
        throw err;
      }
    }
    return {
      accountId: user.id,
      async claims(): Promise<AccountClaims> {
        const claims: AccountClaims = {
          sub: user.id,
          name: user.displayName ?? user.username,
          preferred_username: user.username,
          updated_at: Math.floor(user.updatedAt.getTime() / 1000),
          groups: groups.map((g) => g.name).sort(),
        };
        if (user.email) Object.assign(claims, { email: user.email, email_verified: false });
        if (identity) Object.assign(claims, encodeAwsClaims(identity));
        else claims[ROLES_CLAIM] = rolesFor(snapshot, groups, { kind: "oidc", id: "" }, issuer).map((r) => r.roleArn);
        return claims;
      },
    };
  };
}

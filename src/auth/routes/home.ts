// GET /: the signed-in user's start page, listing the apps they may reach (SAML SPs launch through
// IdP-initiated SSO, an AWS one also once per role the user may take; OIDC clients through their initiate_login_uri or client_uri when they have
// one — native and CLI apps start from the app itself). Anonymous visitors go to /login.
import { Router } from "express";
import type { Render } from "../../http/index.ts";
import { page } from "./render.ts";

/** The part of DirectoryService this page reads. */
export interface AppsSource {
  appsForUser(userId: string): Promise<{
    serviceProviders: readonly { entityId: string; name: string; profile?: string }[];
    oidcClients: readonly { clientId: string; name: string; metadata: Readonly<Record<string, unknown>> }[];
  }>;
}

/** Remembered OIDC consents (oidc/consents.ts); each can be withdrawn from the home page. */
export interface ConsentsSource {
  list(userId: string): Promise<readonly { grantId: string; clientName: string; scopes: readonly string[] }[]>;
}

/** The AWS roles the user may take at an AWS-profile SP, with their accounts' names (saml/launch.ts). */
export type AwsRolesSource = (userId: string, spEntityId: string) => Promise<readonly { roleArn: string; name: string; accountId: string; accountAlias?: string }[]>;

export interface AppLink {
  name: string;
  kind: string;
  href?: string;
  hint?: string;
  /** AWS: one direct sign-in link per role */
  roles?: { name: string; account: string; href: string }[];
}

export function homeRoutes(directory: AppsSource, render: Render, consents?: ConsentsSource, awsRoles?: AwsRolesSource): Router {
  const r = Router();
  r.get("/", async (req, res) => {
    const user = res.locals.user;
    if (!user) return res.redirect(303, res.locals.session?.pendingMfa ? "/login/mfa" : "/login");
    const apps = await directory.appsForUser(user.id);
    const links: AppLink[] = [
      ...(await Promise.all(
        apps.serviceProviders.map(async (sp) => {
          const href = `/saml/idp-init?sp=${encodeURIComponent(sp.entityId)}`;
          if (sp.profile !== "aws") return { name: sp.name, kind: "SAML", href };
          const roles = awsRoles ? await awsRoles(user.id, sp.entityId) : [];
          return {
            name: sp.name,
            kind: "AWS (SAML)",
            href,
            roles: roles.map((r) => ({ name: r.name, account: r.accountAlias ? `${r.accountAlias} (${r.accountId})` : r.accountId, href: `${href}&role=${encodeURIComponent(r.roleArn)}` })),
          };
        }),
      )),
      ...apps.oidcClients.map((c) => {
        const href = webUrl(c.metadata.initiate_login_uri) ?? webUrl(c.metadata.client_uri);
        return { name: c.name, kind: "OpenID Connect", href, hint: href ? undefined : "Sign in from the app itself." };
      }),
    ].sort((a, b) => a.name.localeCompare(b.name));
    const granted = consents ? await consents.list(user.id) : [];
    page(render, req, res, "home", { title: "Your apps", apps: links, consents: granted });
  });
  return r;
}

/** Only absolute http(s) URLs become links: a javascript: URI in client metadata must not. */
function webUrl(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  try {
    const u = new URL(v);
    return u.protocol === "https:" || u.protocol === "http:" ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

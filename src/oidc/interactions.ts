// GET /interaction/:uid — where the provider sends the browser when it needs a person.
// Login: the idp-gateway web session IS the login. Without one (or when prompt=login / max_age
// ask for a fresh one, or acr_values asks for MFA the session lacks) the browser goes to the
// foundation's /login (and /login/mfa) with return_to back here; with one, the interaction
// completes without another password prompt — one login serves SAML and OIDC.
// Consent: automatic for first-party clients; otherwise our consent page, remembered as a Grant
// (the home page lists and revokes them, consents.ts).
import { Router, type Request, type Response } from "express";
import type { Grant, InteractionResults, Provider } from "oidc-provider";
import type { AuditLog } from "../audit/index.ts";
import { csrfToken, formBody, requireCsrf } from "../auth/index.ts";
import { effectiveGroupsOf, hasAccess, type DirectoryService } from "../directory/index.ts";
import { DomainError } from "../errors.ts";
import type { Render } from "../http/index.ts";
import { isMfa } from "./account.ts";
import { acrFor } from "./configuration.ts";
import { ACR_MFA } from "./constants.ts";
import { savingFrom } from "./grant-origin.ts";
import type { ReloginMarks } from "./relogin.ts";

type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;

export interface InteractionDeps {
  provider: () => Provider;
  directory: DirectoryService;
  audit: AuditLog;
  render: Render;
  relogin: ReloginMarks;
}

export function interactionRouter(d: InteractionDeps): Router {
  const r = Router();

  r.get("/interaction/:uid", async (req, res) => {
    const interaction = await load(d, req, res);
    if (!interaction) return;
    if (interaction.prompt.name === "login") return login(d, req, res, interaction);
    if (interaction.prompt.name === "consent") return consent(d, req, res, interaction);
    return finish(d, req, res, interaction, { error: "invalid_request", error_description: `unsupported prompt ${interaction.prompt.name}` });
  });

  r.post("/interaction/:uid/confirm", formBody, requireCsrf, async (req, res) => {
    const interaction = await load(d, req, res);
    if (!interaction) return;
    if (interaction.prompt.name !== "consent" || res.locals.user?.id !== interaction.session?.accountId) return res.redirect(303, `/interaction/${interaction.uid}`);
    const grantId = await grantAll(d, res, interaction);
    await d.audit.record({ action: "oidc.consent", outcome: "success", actor: res.locals.user?.username, target: String(interaction.params.client_id), details: { scope: interaction.params.scope } });
    await finish(d, req, res, interaction, { consent: { grantId } });
  });

  r.post("/interaction/:uid/abort", formBody, requireCsrf, async (req, res) => {
    const interaction = await load(d, req, res);
    if (!interaction) return;
    await d.audit.record({ action: "oidc.consent", outcome: "denied", actor: res.locals.user?.username, target: String(interaction.params.client_id) });
    await finish(d, req, res, interaction, { error: "access_denied", error_description: "End-User denied the request" });
  });

  return r;
}

async function load(d: InteractionDeps, req: Request, res: Response): Promise<Interaction | undefined> {
  // no interaction cookie, an expired interaction, or a uid that is not this browser's
  const interaction = await d.provider().interactionDetails(req, res).catch(() => undefined);
  if (!interaction || interaction.uid !== req.params.uid) {
    const html = d.render("error", { title: "Sign-in expired", detail: "This sign-in request has expired or was already completed. Start again from the app.", status: 400, user: res.locals.user ?? null, csrfToken: "" });
    res.status(400).type("html").set("Cache-Control", "no-store").send(html);
    return undefined;
  }
  return interaction;
}

async function login(d: InteractionDeps, req: Request, res: Response, interaction: Interaction): Promise<void> {
  const back = `/interaction/${interaction.uid}`;
  const user = res.locals.user;
  const session = res.locals.session;
  if (!user || !session) {
    const page = session?.pendingMfa ? "/login/mfa" : "/login";
    return void res.redirect(303, `${page}?return_to=${encodeURIComponent(back)}`);
  }
  const reasons = new Set(interaction.prompt.reasons);
  const authTime = session.authTime ? Math.floor(session.authTime.getTime() / 1000) : 0;
  const maxAge = interaction.params.max_age === undefined ? undefined : Number(interaction.params.max_age);
  const tooOld = maxAge !== undefined && Number.isFinite(maxAge) && Date.now() / 1000 - authTime > maxAge;
  const wantsMfa = String(interaction.params.acr_values ?? "").split(" ").includes(ACR_MFA);
  if (reasons.has("login_prompt") || tooOld || (wantsMfa && !isMfa(session.amr))) {
    // a fresh login is due: it happened iff the web session changed since we asked for it
    // (every login starts a new session); the mark is server-side, keyed by the interaction
    if (!(await d.relogin.happenedSince(interaction.uid, session.id))) {
      await d.relogin.mark(interaction.uid, session.id);
      return void res.redirect(303, `/login?prompt=login&return_to=${encodeURIComponent(back)}`);
    }
  }
  if (wantsMfa && !isMfa(session.amr)) {
    return finish(d, req, res, interaction, {
      error: "unmet_authentication_requirements",
      error_description: "multi-factor authentication is required; set up two-step verification first",
    });
  }
  const clientId = String(interaction.params.client_id);
  const [snapshot, account] = await Promise.all([d.directory.snapshot(), d.directory.findUserById(user.id)]);
  const client = snapshot.clientByClientId.get(clientId);
  if (!account || account.disabled || !client || !hasAccess(client, new Set(effectiveGroupsOf(snapshot, account.groupIds).map((g) => g.id)))) {
    await d.audit.record({ action: "oidc.login", outcome: "denied", actor: user.username, target: clientId, details: { reason: "no access to the client" } });
    return finish(d, req, res, interaction, { error: "access_denied", error_description: "you do not have access to this application" });
  }
  const amr = isMfa(session.amr) ? [...new Set([...session.amr, "mfa"])] : [...session.amr];
  await d.audit.record({ action: "oidc.login", outcome: "success", actor: user.username, target: clientId, details: { amr } });
  await finish(d, req, res, interaction, { login: { accountId: user.id, amr, acr: acrFor(amr), ts: authTime, remember: false } });
}

async function consent(d: InteractionDeps, req: Request, res: Response, interaction: Interaction): Promise<void> {
  const user = res.locals.user;
  // the consent belongs to the signed-in person: a different web session starts over at login
  if (!user || user.id !== interaction.session?.accountId) return void res.redirect(303, `/login?return_to=${encodeURIComponent(`/interaction/${interaction.uid}`)}`);
  const clientId = String(interaction.params.client_id);
  const client = (await d.directory.snapshot()).clientByClientId.get(clientId);
  if (client?.firstParty) {
    return finish(d, req, res, interaction, { consent: { grantId: await grantAll(d, res, interaction) } });
  }
  const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  const scopes = [...(details.missingOIDCScope ?? []), ...Object.values(details.missingResourceScopes ?? {}).flat()].filter((s) => s !== "openid");
  res.setHeader("Cache-Control", "no-store");
  res.type("html").send(
    d.render("oidc-consent", {
      title: "Allow access",
      user,
      csrfToken: csrfToken(req, res),
      uid: interaction.uid,
      clientName: client?.name ?? clientId,
      scopes: scopes.length ? scopes.map(describeScope) : ["confirm who you are"],
    }),
  );
}

/**
 * Grants what the request asks for, on top of what an existing grant already has; saved only while
 * the web session's access stands (grant-origin.ts), else Unauthenticated, audited, nothing written.
 */
async function grantAll(d: InteractionDeps, res: Response, interaction: Interaction): Promise<string> {
  const provider = d.provider();
  const { prompt, params, grantId } = interaction;
  const grant: Grant = grantId ? ((await provider.Grant.find(grantId)) ?? newGrant(provider, interaction)) : newGrant(provider, interaction);
  const details = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(" "));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
  if (!details.missingOIDCScope && params.scope) grant.addOIDCScope(String(params.scope));
  try {
    return await savingFrom({ sessionId: res.locals.session!.id }, () => grant.save());
  } catch (err) {
    if (err instanceof DomainError && err.kind === "unauthenticated") {
      await d.audit.record({ action: "oidc.consent", outcome: "failure", actor: res.locals.user?.username, target: String(params.client_id), details: { reason: "access_ended" } });
    }
    throw err;
  }
}

function newGrant(provider: Provider, interaction: Interaction): Grant {
  return new provider.Grant({ accountId: interaction.session!.accountId, clientId: String(interaction.params.client_id) });
}

/**
 * Stores the result and moves the browser on to the provider, which then redirects to the client.
 * Not with a 303: this request often is the tail of a login or consent form POST, and browsers
 * check every redirect of a form submission against CSP form-action ('self'), so the final hop to
 * the client's redirect_uri would be blocked. A refresh starts a fresh navigation instead.
 */
async function finish(d: InteractionDeps, req: Request, res: Response, interaction: Interaction, result: InteractionResults): Promise<void> {
  if ("error" in result) {
    await d.audit.record({ action: "oidc.interaction", outcome: "failure", actor: res.locals.user?.username, target: String(interaction.params.client_id), details: { error: result.error } });
  }
  const returnTo = await d.provider().interactionResult(req, res, result, { mergeWithLastSubmission: true });
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Refresh", `0;url=${returnTo}`);
  res.status(200).type("html").send(d.render("oidc-continue", { title: "Continuing", url: returnTo, user: res.locals.user ?? null, csrfToken: "" }));
}

const SCOPE_TEXT: Record<string, string> = {
  profile: "see your name and username",
  email: "see your email address",
  groups: "see your groups",
  roles: "see which AWS roles you may use",
  aws: "use your AWS roles and session tags (sign in to AWS as you)",
  offline_access: "stay signed in when you are away",
};

function describeScope(scope: string): string {
  return SCOPE_TEXT[scope] ?? scope;
}

// Every OAuth/OIDC error the provider answers is audited (never thrown past it: the provider turns
// exceptions into protocol errors itself). Successful user-bound grants are audited too; the
// high-volume client-credentials and refresh grants are not, their tokens are the record.
import type { KoaContextWithOIDC, Provider as ProviderType } from "oidc-provider";
import Provider from "oidc-provider";
import type { AuditLog } from "../audit/index.ts";
import type { Logger } from "../http/index.ts";

const ERROR_EVENTS = [
  "authorization.error",
  "grant.error",
  "introspection.error",
  "revocation.error",
  "end_session.error",
  "userinfo.error",
  "device_authorization.error",
  "code_verification.error",
  "pushed_authorization_request.error",
  "discovery.error",
  "backchannel.error",
] as const;

export function auditEvents(provider: ProviderType, audit: AuditLog, logger: Logger): void {
  const record = (e: Parameters<AuditLog["record"]>[0]) => void audit.record(e).catch((err) => logger.warn({ err }, "audit write failed"));
  for (const event of ERROR_EVENTS) {
    (provider as unknown as NodeJS.EventEmitter).on(event, (ctx: KoaContextWithOIDC, err: Error & { error?: string; error_description?: string; status?: number }) => {
      record({
        action: `oidc.${event.replace(/\.error$/, "")}`,
        outcome: "failure",
        actor: clientOf(ctx) ?? "anonymous",
        target: clientOf(ctx),
        sourceIp: ctx.ip,
        requestId: requestIdOf(ctx),
        details: { error: err.error ?? "server_error", description: String(err.error_description ?? "").slice(0, 300), status: err.status ?? 500 },
      });
    });
  }
  provider.on("server_error", (ctx: KoaContextWithOIDC, err: Error) => {
    logger.error({ err, path: ctx.path }, "oidc-provider server_error");
    record({ action: "oidc.server_error", outcome: "failure", target: clientOf(ctx), sourceIp: ctx.ip, requestId: requestIdOf(ctx), details: { path: ctx.path, message: err.message.slice(0, 300) } });
  });
  provider.on("grant.success", (ctx: KoaContextWithOIDC) => {
    const grantType = String(ctx.oidc.params?.grant_type ?? "");
    if (grantType === "client_credentials" || grantType === "refresh_token") return;
    record({ action: "oidc.grant", outcome: "success", actor: ctx.oidc.account?.accountId ?? clientOf(ctx), target: clientOf(ctx), sourceIp: ctx.ip, requestId: requestIdOf(ctx), details: { grantType } });
  });
  provider.on("grant.revoked", (ctx: KoaContextWithOIDC, grantId: string) => {
    record({ action: "oidc.grant.revoke", outcome: "success", actor: clientOf(ctx) ?? "anonymous", target: grantId, sourceIp: ctx.ip, requestId: requestIdOf(ctx), details: { route: ctx.oidc?.route } });
  });
}

/**
 * The adapter revokes a grant itself when two token requests race for one code or refresh token
 * (adapter.ts consume). The provider emits grant.revoked for the replays it catches
 * (lib/helpers/revoke.js); this emits the same for the race loser, with the loser's token request as
 * context (Provider.ctx: the provider runs each request in an AsyncLocalStorage), so the listener
 * above audits both alike as oidc.grant.revoke.
 */
export function grantRevokedByAdapter(grantId: string): void {
  const ctx = (Provider as unknown as { ctx?: KoaContextWithOIDC }).ctx;
  ctx?.oidc.provider.emit("grant.revoked", ctx, grantId);
}

/** machine endpoints run without the async request context: the id is on the response */
function requestIdOf(ctx: KoaContextWithOIDC): string | undefined {
  return (ctx.res as unknown as { locals?: { requestId?: string } }).locals?.requestId;
}

function clientOf(ctx: KoaContextWithOIDC): string | undefined {
  return ctx.oidc?.client?.clientId ?? (typeof ctx.oidc?.params?.client_id === "string" ? ctx.oidc.params.client_id : undefined);
}

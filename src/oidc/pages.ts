// The provider's own pages (errors, device flow, logout) rendered with our templates, so every
// page a person sees looks the same and carries the same CSP. The provider hands us a small
// <form> with its anti-CSRF field; our inputs attach to it through the form="…" attribute.
import type { Configuration, KoaContextWithOIDC } from "oidc-provider";
import type { Render } from "../http/index.ts";

type Html = (ctx: KoaContextWithOIDC, template: string, data: Record<string, unknown>) => void;

function htmlWith(render: Render): Html {
  return (ctx, template, data) => {
    ctx.type = "html";
    ctx.set("Cache-Control", "no-store");
    ctx.body = render(template, { user: null, csrfToken: "", ...data });
  };
}

/** Errors people see (authorization endpoint, device page): never a stack trace. */
export function renderError(render: Render): NonNullable<Configuration["renderError"]> {
  const html = htmlWith(render);
  return (ctx, out) => {
    const detail = out.error_description ? `${out.error}: ${out.error_description}` : out.error;
    html(ctx, "error", { title: "Sign-in request refused", detail, status: ctx.status, requestId: (ctx.res as unknown as { locals?: { requestId?: string } }).locals?.requestId });
  };
}

/** The provider re-renders the code page with one of these (helpers/re_render_errors.js). */
const DEVICE_ERRORS: Record<string, string | undefined> = {
  NoCodeError: "Enter the code shown on your device.",
  NotFoundError: "That code is not valid. Check it and try again.",
  ExpiredError: "That code has expired. Start again on your device.",
  AlreadyUsedError: "That code has already been used.",
  AbortedError: "The sign-in was cancelled.",
};

/**
 * The logout form posts to us, and we redirect to the client's registered post-logout URI.
 * Browsers hold every redirect of a form submission to CSP form-action, so that (already
 * validated) destination joins 'self' on this page only.
 */
function allowFormTarget(ctx: KoaContextWithOIDC, uri: unknown): void {
  if (typeof uri !== "string") return;
  let source: string;
  try {
    const u = new URL(uri);
    source = u.protocol === "http:" || u.protocol === "https:" ? u.origin : u.protocol;
  } catch {
    return;
  }
  if (!/^[A-Za-z0-9.+:/\[\]-]+$/.test(source)) return;
  const csp = ctx.response.get("Content-Security-Policy");
  if (csp) ctx.set("Content-Security-Policy", csp.replace("form-action 'self'", `form-action 'self' ${source}`));
}

const FORM_ID = { device: "op.deviceInputForm", confirm: "op.deviceConfirmForm", logout: "op.logoutForm" };

export function deviceFlowPages(render: Render) {
  const html = htmlWith(render);
  return {
    userCodeInputSource: (ctx: KoaContextWithOIDC, form: string, out?: { error?: string; error_description?: string }, err?: Error) => {
      const error = err ? DEVICE_ERRORS[err.name] ?? (out?.error_description || "That code could not be used.") : undefined;
      html(ctx, "oidc-device", { title: "Connect a device", form, formId: FORM_ID.device, error });
    },
    userCodeConfirmSource: (ctx: KoaContextWithOIDC, form: string, client: { clientName?: string; clientId: string }, _deviceInfo: unknown, userCode: string) => {
      html(ctx, "oidc-device-confirm", { title: "Connect a device", form, formId: FORM_ID.confirm, clientName: client.clientName ?? client.clientId, userCode });
    },
    successSource: (ctx: KoaContextWithOIDC) => {
      const client = ctx.oidc.client;
      html(ctx, "oidc-message", { title: "Device connected", message: `${client?.clientName ?? client?.clientId ?? "The device"} is now signed in. You can close this window and return to your device.` });
    },
  };
}

export function logoutPages(render: Render) {
  const html = htmlWith(render);
  return {
    logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
      const client = ctx.oidc.client;
      allowFormTarget(ctx, ctx.oidc.params?.post_logout_redirect_uri);
      html(ctx, "oidc-logout", { title: "Sign out", form, formId: FORM_ID.logout, clientName: client?.clientName ?? client?.clientId });
    },
    postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
      html(ctx, "oidc-message", { title: "Signed out", message: "You have signed out." });
    },
  };
}

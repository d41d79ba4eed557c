// GET /login/upstream/:slug starts a sign-in through an upstream IdP (the login page's "Sign in
// with …" buttons). OpenID Connect: GET /login/upstream/:slug/callback is the redirect URI the
// upstream sends the browser back to. SAML: POST /login/upstream/:slug/acs receives the response
// (HTTP-POST binding) and GET /login/upstream/:slug/metadata serves our SP metadata (its URL is our
// SP entity ID). The state travels in a short-lived httpOnly cookie (with those of the browser's
// other sign-ins in flight, state-cookie.ts), taken out by the callback or ACS whatever its
// outcome: SameSite=Lax for OIDC (the callback is a top-level navigation from the upstream's
// site); for SAML, whose answer is a cross-site form POST that a Lax cookie would not follow,
// SameSite=None (Secure) when the gateway runs on https. Failures are DomainErrors, shown as the
// error page.
import express, { Router, type CookieOptions, type Request, type Response } from "express";
import type { AuditLog } from "../../audit/index.ts";
import { NotFound, RateLimited } from "../../errors.ts";
import type { AuthService } from "../auth-service.ts";
import { ipKey } from "../login/ip-key.ts";
import { safeReturnTo } from "../login/return-to.ts";
import { readCookie } from "../session/cookies.ts";
import { STATE_TTL_SECONDS } from "../upstream/login-states.ts";
import { takeState, withState } from "../upstream/state-cookie.ts";
import type { UpstreamLogin } from "../upstream/upstream-login.ts";

export function loginUpstreamRoutes(auth: AuthService, upstream: UpstreamLogin, audit: AuditLog): Router {
  const r = Router();
  const cookie = auth.secure ? "__Host-idp_upstream" : "idp_upstream";
  const attributes = { httpOnly: true, sameSite: "lax", secure: auth.secure, path: "/" } as const;
  // plain http (development, tests on loopback) cannot set SameSite=None, which needs Secure
  const crossSite = auth.secure ? ({ ...attributes, sameSite: "none" } as const) : attributes;
  const noStore = (res: Response) => res.setHeader("Cache-Control", "no-store");
  // a SAMLResponse is at most 100,000 base64 characters (saml/strict), RelayState 80 bytes
  const acsBody = express.urlencoded({ extended: false, limit: "200kb", parameterLimit: 10 });
  /** This answer's state out of the cookie, whatever the outcome; the other tabs' states stay in it. */
  const keepOthers = (req: Request, res: Response, returned: unknown, attrs: CookieOptions) => {
    const { state, rest } = takeState(readCookie(req, cookie), returned);
    if (rest.length) res.cookie(cookie, rest.join("."), { ...attrs, maxAge: STATE_TTL_SECONDS * 1000 });
    else res.clearCookie(cookie, attrs);
    return state;
  };

  r.get("/login/upstream/:slug", async (req, res) => {
    const address = ipKey(req.ip);
    const { retryAfter, firstRefusal } = auth.upstreamStarts.take(address);
    if (retryAfter > 0) {
      if (firstRefusal) await audit.record({ action: "upstream.rate_limit", outcome: "denied", target: address, details: { perMinute: auth.upstreamStarts.perMinute } });
      throw new RateLimited(`Too many sign-ins were started from your network. Try again in ${retryAfter} seconds.`, retryAfter);
    }
    const returnTo = safeReturnTo(req.query.return_to);
    const { url, state, crossSitePost } = await upstream.begin(String(req.params.slug), returnTo, req.query.prompt === "login");
    noStore(res);
    res.cookie(cookie, withState(readCookie(req, cookie), state), { ...(crossSitePost ? crossSite : attributes), maxAge: STATE_TTL_SECONDS * 1000 });
    res.redirect(303, url);
  });

  r.get("/login/upstream/:slug/metadata", async (req, res) => {
    const xml = await upstream.samlMetadata(String(req.params.slug));
    if (!xml) throw new NotFound("There is no such sign-in option.");
    res.setHeader("Cache-Control", "public, max-age=300");
    res.type("application/samlmetadata+xml").send(xml);
  });

  r.post("/login/upstream/:slug/acs", acsBody, async (req, res) => {
    noStore(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const state = keepOthers(req, res, body.RelayState, crossSite);
    const signIn = await upstream.finishSaml(String(req.params.slug), body, state, async (s) => (await auth.startSession(req, res, { ...s, pendingMfa: false })) !== null);
    res.redirect(303, signIn.returnTo ?? "/");
  });

  r.get("/login/upstream/:slug/callback", async (req, res) => {
    noStore(res);
    const state = keepOthers(req, res, req.query.state, attributes);
    // local TOTP is not asked: the upstream IdP is trusted to authenticate its people (amr says how)
    const signIn = await upstream.finish(String(req.params.slug), req.originalUrl, state, async (s) => (await auth.startSession(req, res, { ...s, pendingMfa: false })) !== null);
    res.redirect(303, signIn.returnTo ?? "/");
  });

  return r;
}

// The SAML 2.0 IdP: metadata, SP-initiated and IdP-initiated SSO, Single Logout, and the local AWS
// sign-in (the ACS of the AWS SP in local mode). createApp mounts samlRouter(services).
// Other modules may use: verifySamlResponse + decodeAwsAssertion (the STS), the codecs, parseSpMetadata.
import { Router, type ErrorRequestHandler, type Response } from "express";
import { SamlError } from "./errors.ts";
import { renderErrorPage } from "./pages.ts";
import type { Services } from "../services.ts";
import { buildIdpMetadata } from "./metadata.ts";
import { ReplayCache } from "./replay.ts";
import { ssoRoutes } from "./sso.ts";
import { sloRoutes } from "./slo.ts";
import { awsSignInRoutes } from "./aws-signin.ts";
import { countRefused } from "./assertion-metrics.ts";

export { verifySamlResponse, type VerifiedAssertion, type VerifyResponseOptions } from "./verify.ts";
export { decodeAwsAssertion, type DecodedAwsIdentity } from "./decode.ts";
export { encodeAttributes } from "./profiles.ts";
export { encodeGenericAttributes } from "./generic-profile.ts";
export * from "./aws-profile.ts";
export { SamlError };
export { importSpMetadata, parseSpMetadata, type ParsedSpMetadata } from "./sp-metadata.ts";
export { buildIdpMetadata } from "./metadata.ts";
export { awsLaunchRoles } from "./launch.ts";

const SWEEP_MS = 10 * 60_000;

type SamlServices = Pick<Services, "config" | "directory" | "keys" | "audit" | "render" | "box" | "auth" | "federation" | "logger" | "db" | "metrics">;

export function samlRouter(s: SamlServices): Router {
  const r = Router();
  const replay = new ReplayCache(s.db.prisma);
  const sweeper = setInterval(() => void replay.sweep().catch((err) => s.logger.warn({ err }, "saml replay sweep failed")), SWEEP_MS);
  sweeper.unref();
  const deps = { baseUrl: s.config.baseUrl, directory: s.directory, keys: s.keys, audit: s.audit, render: s.render, sessions: s.auth.sessions, box: s.box, replay, endSession: (res: Response) => s.auth.endSession(res), metrics: s.metrics };

  // cached per key set: metadata changes only when keys rotate
  let cached: { sig: string; plain: string; signed?: string } | undefined;
  r.get("/saml/metadata", (req, res) => {
    const keys = s.keys.publishedKeys();
    const sig = keys.map((k) => k.kid).join(",") + "|" + s.keys.activeKey().kid;
    if (cached?.sig !== sig) cached = { sig, plain: buildIdpMetadata(s.config.baseUrl, keys) };
    const wantSigned = req.query.signed === "true" || req.query.signed === "1";
    if (wantSigned && !cached.signed) cached.signed = buildIdpMetadata(s.config.baseUrl, keys, { signer: s.keys.activeKey() });
    res.setHeader("Cache-Control", "public, max-age=300");
    res.type("application/samlmetadata+xml").send(wantSigned ? cached.signed : cached.plain);
  });
  r.use(ssoRoutes(deps));
  r.use(sloRoutes(deps));
  // read services.federation per call: the STS backend is chosen (and in tests, replaced) there
  const federation = {
    assumeRoleWithSAML: (i: Parameters<Services["federation"]["assumeRoleWithSAML"]>[0]) => s.federation.assumeRoleWithSAML(i),
    assumeRoleWithWebIdentity: (i: Parameters<Services["federation"]["assumeRoleWithWebIdentity"]>[0]) => s.federation.assumeRoleWithWebIdentity(i),
  };
  r.use(awsSignInRoutes({ ...deps, federation }));
  // errors raised before a handler runs (the form parser: oversized or malformed bodies)
  const onSamlError: ErrorRequestHandler = (err, req, res, next) => {
    if (!(err instanceof SamlError) || res.headersSent) return next(err);
    // an AuthnRequest refused before its Issuer was read
    if (req.path === "/saml/sso") countRefused(s.metrics, undefined, err);
    void s.audit
      .record({ actor: res.locals.user?.username, action: req.path.startsWith("/aws/") ? "aws.signin" : req.path === "/saml/slo" ? "saml.slo" : "saml.sso", outcome: "failure", details: { reason: err.reason, message: err.message } })
      .then(() => renderErrorPage(s.render, req, res, err.httpStatus, "Request refused", err.message), next);
  };
  r.use(onSamlError);
  return r;
}

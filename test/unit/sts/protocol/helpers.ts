// A tiny STS for wire tests: the real stsRouter on 127.0.0.1:0 with fake actions, a
// fixed credential store and a request-id middleware like the app's.
import type { AddressInfo } from "node:net";
import express from "express";
import {
  StsErrors,
  checkSessionTags,
  defineAction,
  stsActionParams,
  stsRouter,
  type ActionContext,
  type StsAuditEvent,
  type StsRouterOptions,
} from "../../../../src/sts/protocol/index.ts";
import { createSigV4Verifier, type SigningCredential, type VerifiedRequest } from "../../../../src/sts/credentials/sigv4.ts";

export const LONG_TERM = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
export const TEMPORARY = {
  accessKeyId: "ASIAIOSFODNN7EXAMPLE",
  secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
  sessionToken: "FwoGZXIvYXdzEXAMPLE+session/token==",
};
export const EXPIRED = { accessKeyId: "ASIAEXPIREDEXAMPLE01", secretAccessKey: "expiredSecretEXAMPLEKEYexpiredSecretEXAM", sessionToken: "expired-session-token" };

export interface StoredCredential extends SigningCredential {
  arn: string;
  userId: string;
}

export const credentialStore = new Map<string, StoredCredential>([
  [LONG_TERM.accessKeyId, { secretAccessKey: LONG_TERM.secretAccessKey, arn: "arn:aws:iam::111122223333:user/alice", userId: "AIDAEXAMPLEALICE0001" }],
  [
    TEMPORARY.accessKeyId,
    {
      secretAccessKey: TEMPORARY.secretAccessKey,
      sessionToken: TEMPORARY.sessionToken,
      expiration: new Date(Date.now() + 3600_000),
      arn: "arn:aws:sts::111122223333:assumed-role/Engineer/alice",
      userId: "AROAEXAMPLEROLE00001:alice",
    },
  ],
  [
    EXPIRED.accessKeyId,
    {
      secretAccessKey: EXPIRED.secretAccessKey,
      sessionToken: EXPIRED.sessionToken,
      expiration: new Date(Date.now() - 1000),
      arn: "arn:aws:sts::111122223333:assumed-role/Engineer/old",
      userId: "AROAEXAMPLEROLE00001:old",
    },
  ],
]);

export const EXPIRATION = new Date("2031-05-06T07:08:09.123Z");

export const fakeGetCallerIdentity = defineAction({
  name: "GetCallerIdentity",
  auth: "sigv4",
  params: stsActionParams.GetCallerIdentity,
  handler: (_params, ctx: ActionContext<"sigv4", VerifiedRequest<StoredCredential>>) => ({
    UserId: ctx.caller.credential.userId,
    Account: "111122223333",
    Arn: ctx.caller.credential.arn,
  }),
});

/** Fixed credentials; the token text picks an error to exercise the error mapping. */
export const fakeAssumeRoleWithWebIdentity = defineAction({
  name: "AssumeRoleWithWebIdentity",
  auth: "none",
  params: stsActionParams.AssumeRoleWithWebIdentity,
  handler: (params) => {
    switch (params.WebIdentityToken) {
      case "reject-claim":
        throw StsErrors.idpRejectedClaim("Token audience is not allowed");
      case "expired-token":
        throw StsErrors.expiredTokenException("Token is expired");
      case "deny-access":
        throw StsErrors.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");
      case "invalid-token":
        throw StsErrors.invalidIdentityToken("No OpenIDConnect provider found in your account for https://issuer.example");
      case "idp-down":
        throw StsErrors.idpCommunicationError("Couldn't retrieve verification key from your identity provider");
      case "throttle":
        throw StsErrors.throttling();
      case "crash":
        throw new Error("secret internal detail at /srv/app/db.ts:42");
    }
    return {
      Credentials: {
        AccessKeyId: "ASIAWEBIDENTITY00001",
        SecretAccessKey: "secret<&>\"'",
        SessionToken: "token]]>&<end",
        Expiration: EXPIRATION,
      },
      SubjectFromWebIdentityToken: "subject-0001",
      AssumedRoleUser: {
        AssumedRoleId: `AROAEXAMPLEROLE00001:${params.RoleSessionName}`,
        Arn: `arn:aws:sts::111122223333:assumed-role/Engineer/${params.RoleSessionName}`,
      },
      PackedPolicySize: 6,
      Provider: "https://issuer.example",
      Audience: "mobile-app",
      SourceIdentity: undefined,
    };
  },
});

export const fakeAssumeRole = defineAction({
  name: "AssumeRole",
  auth: "sigv4",
  params: stsActionParams.AssumeRole,
  check: (p) => checkSessionTags(p.Tags, p.TransitiveTagKeys),
  handler: (params) => ({
    Credentials: { AccessKeyId: "ASIAASSUMEDROLE00001", SecretAccessKey: "s", SessionToken: "t", Expiration: EXPIRATION },
    AssumedRoleUser: { AssumedRoleId: `AROAEXAMPLE:${params.RoleSessionName}`, Arn: `arn:aws:sts::111122223333:assumed-role/R/${params.RoleSessionName}` },
    PackedPolicySize: params.Tags?.length ?? 0,
  }),
});

export interface StsTestServer {
  url: string;
  port: number;
  audits: StsAuditEvent[];
  logged: object[];
  close(): Promise<void>;
}

export async function startStsServer(opts: Partial<StsRouterOptions> & { mount?: string; now?: () => Date } = {}): Promise<StsTestServer> {
  const audits: StsAuditEvent[] = [];
  const logged: object[] = [];
  const app = express();
  app.use((_req, res, next) => {
    res.locals.requestId = `req-${audits.length + logged.length}-${Math.random().toString(16).slice(2, 10)}`;
    next();
  });
  const router = stsRouter({
    actions: opts.actions ?? [fakeGetCallerIdentity, fakeAssumeRoleWithWebIdentity, fakeAssumeRole],
    verifier: opts.verifier ?? createSigV4Verifier({ lookup: (id) => credentialStore.get(id), now: opts.now }),
    logger: { error: (obj) => void logged.push(obj) },
    onAudit: (e) => void audits.push(e),
    maxBodyBytes: opts.maxBodyBytes,
  });
  app.use(opts.mount ?? "/", router);
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${opts.mount ?? ""}`,
    port,
    audits,
    logged,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POST a form body (unsigned). */
export function postForm(url: string, form: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Response> {
  const body = typeof form === "string" ? form : new URLSearchParams(form).toString();
  return fetch(`${url}/`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", ...headers } });
}

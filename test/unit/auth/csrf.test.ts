import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import type { Request, Response } from "express";
import { Csrf, deriveKey } from "../../../src/auth/csrf/csrf.ts";
import type { AuditLog } from "../../../src/audit/index.ts";

const audit = { record: async () => {} } as unknown as AuditLog;
const origin = "https://idp.example.com";

function csrfWith(key: Buffer) {
  return new Csrf({ key, cookieName: "idp_csrf", secure: false, origin, audit });
}

function fakeReq(opts: { cookie?: string; body?: Record<string, unknown>; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.cookie) headers.cookie = opts.cookie;
  return { headers, body: opts.body, get: (n: string) => headers[n.toLowerCase()], method: "POST", path: "/x" } as unknown as Request;
}

function fakeRes(session?: { csrfToken: string }) {
  const set: Record<string, string> = {};
  const res = { locals: { session }, cookie: (n: string, v: string) => void (set[n] = v) } as unknown as Response;
  return { res, set };
}

test("an anonymous token is bound to the browser's nonce cookie", () => {
  const csrf = csrfWith(deriveKey(randomBytes(32), "csrf v1"));
  const first = fakeRes();
  const token = csrf.token(fakeReq(), first.res);
  const nonce = first.set.idp_csrf!;
  assert.ok(nonce, "a nonce cookie is set for a new visitor");
  assert.equal(csrf.check(fakeReq({ cookie: `idp_csrf=${nonce}`, body: { _csrf: token } }), fakeRes().res), null);
  assert.equal(csrf.check(fakeReq({ cookie: `idp_csrf=${randomBytes(18).toString("base64url")}`, body: { _csrf: token } }), fakeRes().res), "mismatch");
  assert.equal(csrf.check(fakeReq({ body: { _csrf: token } }), fakeRes().res), "missing");
  assert.equal(csrf.check(fakeReq({ cookie: `idp_csrf=${nonce}` }), fakeRes().res), "missing");
});

test("a token signed under another key does not verify", () => {
  const a = csrfWith(deriveKey(randomBytes(32), "csrf v1"));
  const b = csrfWith(deriveKey(randomBytes(32), "csrf v1"));
  const r = fakeRes();
  const token = a.token(fakeReq(), r.res);
  assert.equal(b.check(fakeReq({ cookie: `idp_csrf=${r.set.idp_csrf}`, body: { _csrf: token } }), fakeRes().res), "mismatch");
});

test("with a session, only the session's token passes", () => {
  const csrf = csrfWith(deriveKey(randomBytes(32), "csrf v1"));
  const anon = fakeRes();
  const anonToken = csrf.token(fakeReq(), anon.res);
  const session = { csrfToken: "s".repeat(43) };
  assert.equal(csrf.check(fakeReq({ body: { _csrf: session.csrfToken } }), fakeRes(session).res), null);
  assert.equal(csrf.check(fakeReq({ headers: { "x-csrf-token": session.csrfToken } }), fakeRes(session).res), null);
  assert.equal(csrf.check(fakeReq({ cookie: `idp_csrf=${anon.set.idp_csrf}`, body: { _csrf: anonToken } }), fakeRes(session).res), "mismatch");
  assert.equal(csrf.check(fakeReq({ body: { _csrf: "t".repeat(43) } }), fakeRes(session).res), "mismatch");
});

test("a cross-site Origin or Sec-Fetch-Site is refused even with a good token", () => {
  const csrf = csrfWith(deriveKey(randomBytes(32), "csrf v1"));
  const session = { csrfToken: "s".repeat(43) };
  const body = { _csrf: session.csrfToken };
  assert.equal(csrf.check(fakeReq({ body, headers: { origin } }), fakeRes(session).res), null);
  assert.equal(csrf.check(fakeReq({ body, headers: { origin: "https://evil.example" } }), fakeRes(session).res), "cross_origin");
  assert.equal(csrf.check(fakeReq({ body, headers: { "sec-fetch-site": "cross-site" } }), fakeRes(session).res), "cross_origin");
});

test("keys for different purposes differ", () => {
  const master = randomBytes(32);
  assert.notDeepEqual(deriveKey(master, "csrf v1"), deriveKey(master, "other"));
  assert.deepEqual(deriveKey(master, "csrf v1"), deriveKey(master, "csrf v1"));
});

test("Origin: null (sent on POSTs under Referrer-Policy: no-referrer) and our own host are not foreign", () => {
  const csrf = csrfWith(deriveKey(randomBytes(32), "csrf v1"));
  const session = { csrfToken: "s".repeat(43) };
  const body = { _csrf: session.csrfToken };
  assert.equal(csrf.check(fakeReq({ body, headers: { origin: "null" } }), fakeRes(session).res), null);
  assert.equal(csrf.check(fakeReq({ body, headers: { origin: "http://127.0.0.1:4000", host: "127.0.0.1:4000" } }), fakeRes(session).res), null);
  assert.equal(csrf.check(fakeReq({ body, headers: { origin: "http://evil.example", host: "127.0.0.1:4000" } }), fakeRes(session).res), "cross_origin");
  assert.equal(csrf.check(fakeReq({ body, headers: { origin: "https://evil.example", "sec-fetch-site": "same-origin" } }), fakeRes(session).res), null, "Sec-Fetch-Site decides when present");
});

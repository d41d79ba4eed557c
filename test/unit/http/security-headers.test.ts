// securityHeaders() replays helmet's headers, computed once: every response must carry exactly
// what helmet itself would have set (and removed), for both the http and the https configuration.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import express from "express";
import helmet from "helmet";
import supertest from "supertest";
import { helmetOptions, securityHeaders } from "../../../src/http/security-headers.ts";

const VOLATILE = new Set(["date", "etag", "content-length", "connection", "keep-alive"]);

async function headersOf(middleware: express.RequestHandler): Promise<Record<string, unknown>> {
  const app = express();
  app.use(middleware);
  app.get("/", (_req, res) => void res.send("ok"));
  const res = await supertest(app).get("/");
  return Object.fromEntries(Object.entries(res.headers).filter(([k]) => !VOLATILE.has(k)));
}

describe("security headers", () => {
  for (const https of [false, true]) {
    test(`the same headers as helmet (${https ? "https" : "http"})`, async () => {
      const ours = await headersOf(securityHeaders({ https }));
      const theirs = await headersOf(helmet(helmetOptions({ https })));
      assert.deepEqual(ours, theirs);
      assert.equal(ours["x-powered-by"], undefined, "X-Powered-By removed");
      assert.equal("strict-transport-security" in ours, https);
      assert.match(String(ours["content-security-policy"]), /default-src 'none'/);
    });
  }
});

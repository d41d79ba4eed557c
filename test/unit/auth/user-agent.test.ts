// The browser summary on the sessions pages: short, recognisable, never the client's whole text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeUserAgent } from "../../../src/auth/session/user-agent.ts";

test("well-known browsers and systems", () => {
  const cases: [string, string][] = [
    ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126 on Windows"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.56", "Edge 126 on Windows"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17 on iOS"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari 17 on macOS"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome 126 on Android"],
    ["curl/8.5.0", "curl 8"],
  ];
  for (const [ua, want] of cases) assert.equal(describeUserAgent(ua), want, ua);
});

test("missing, unknown and hostile headers stay short", () => {
  assert.equal(describeUserAgent(undefined), "Unknown browser");
  assert.equal(describeUserAgent("   "), "Unknown browser");
  assert.equal(describeUserAgent("node-fetch"), "node-fetch");
  const long = describeUserAgent(`${"x".repeat(500)} Linux`);
  assert.ok(long.length <= 40, long);
  assert.ok(long.endsWith("…"));
  assert.equal(describeUserAgent("<script>alert(1)</script>"), "<script>alert", "cut at the first separator; the template escapes it");
});

// An RFC 9457 problem+json answer of the admin API: the status, the media type, the members every
// problem has, and (optionally) the field its `errors` object must name.
import assert from "node:assert/strict";

export function isProblem(res: { status: number; headers: Record<string, string>; body: any }, status: number, field?: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers["content-type"] ?? "", /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, "string");
  assert.equal(typeof res.body.detail, "string");
  if (field) assert.equal(typeof res.body.errors?.[field], "string", `errors.${field} in ${JSON.stringify(res.body)}`);
}

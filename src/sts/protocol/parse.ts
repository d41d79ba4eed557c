// Decodes an awsQuery request into Action, Version and the parameter tree (sts.md §1.1).
// - Parameters come from the query string and, for a POST with
//   `Content-Type: application/x-www-form-urlencoded` (any charset parameter), from the body;
//   query-string values come first. A POST body of another type is not read as parameters
//   (real STS treats such a request as having no Action).
// - Values are form-decoded ("+" is a space), as SDKs encode them.
// - The first Action and the first Version win, as on real STS (`Action=GetCallerIdentity&
//   Action=NoSuchAction` succeeds).
// - At most MAX_PARAMETERS name=value pairs: the largest legal request (AssumeRole with 50 tags,
//   50 transitive keys, 10 policy ARNs, 5 contexts) has under 200, and a bound keeps hostile
//   requests from costing more than linear work anywhere downstream.
import { StsErrors } from "./errors.ts";
import { buildQueryTree, type QueryNode } from "./params/query-tree.ts";

export const MAX_PARAMETERS = 2000;

export interface RawQueryRequest {
  method: string;
  /** the query string without "?" ("" if none), exactly as received */
  rawQuery: string;
  contentType?: string;
  body: Uint8Array;
}

export interface QueryRequest {
  action?: string;
  version?: string;
  params: QueryNode;
}

export function parseQueryRequest(req: RawQueryRequest): QueryRequest {
  const pairs: Array<[string, string]> = [...new URLSearchParams(req.rawQuery)];
  if (req.method === "POST" && isFormContentType(req.contentType)) {
    pairs.push(...new URLSearchParams(new TextDecoder().decode(req.body)));
  }
  if (pairs.length > MAX_PARAMETERS) throw StsErrors.malformedInput(`The request has more than ${MAX_PARAMETERS} parameters.`);
  return {
    action: first(pairs, "Action"),
    version: first(pairs, "Version"),
    params: buildQueryTree(pairs),
  };
}

export function isFormContentType(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}

function first(pairs: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return pairs.find(([k]) => k === name)?.[1];
}

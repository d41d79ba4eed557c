// Renders STS responses for the wire (sts.md §1.1, §1.3, §1.4):
// - success: <{Op}Response xmlns=STS><{Op}Result>…</{Op}Result><ResponseMetadata><RequestId>…
//   with `Content-Type: text/xml` (exactly, as real STS sends it) and `x-amzn-RequestId`;
// - error: <ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/> (RequestId
//   is a sibling of Error, and there is no ResponseMetadata);
// - JSON when the request asks `Accept: application/json`: the same tree as objects, with
//   timestamps as epoch seconds (sts.md §1.1). The error twin is
//   {"Error":{"Code","Message","Type"},"RequestId"}, the form AWS Query services answer in JSON
//   (e.g. STS "Throttling" as quoted in kubernetes-sigs/aws-iam-authenticator pkg/token/token.go).
import type { StsError } from "./errors.ts";
import { STS_XMLNS } from "./errors.ts";
import { xmlAttr, xmlElement, type XmlValue } from "./xml.ts";

export type WireFormat = "xml" | "json";

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CONTENT_TYPE: Record<WireFormat, string> = { xml: "text/xml", json: "application/json" };

/** JSON only when the client lists application/json; SDKs send no Accept and get XML. */
export function negotiateFormat(accept: string | undefined): WireFormat {
  const wantsJson = (accept ?? "")
    .split(",")
    .some((part) => part.split(";")[0]?.trim().toLowerCase() === "application/json");
  return wantsJson ? "json" : "xml";
}

export function successResponse(op: string, result: object, requestId: string, format: WireFormat): WireResponse {
  const tree = result as { [k: string]: XmlValue };
  const body =
    format === "json"
      ? JSON.stringify({ [`${op}Response`]: { [`${op}Result`]: toJson(tree), ResponseMetadata: { RequestId: requestId } } })
      : xmlElement(`${op}Response`, { [`${op}Result`]: emptyAsElement(tree), ResponseMetadata: { RequestId: requestId } }, 0, xmlAttr("xmlns", STS_XMLNS));
  return { status: 200, headers: headersFor(format, requestId), body };
}

export function errorResponse(err: StsError, requestId: string, format: WireFormat): WireResponse {
  const body =
    format === "json"
      ? JSON.stringify({ Error: { Code: err.code, Message: err.message, Type: err.type }, RequestId: requestId })
      : xmlElement("ErrorResponse", { Error: { Type: err.type, Code: err.code, Message: err.message }, RequestId: requestId }, 0, xmlAttr("xmlns", err.xmlns));
  return { status: err.httpStatus, headers: headersFor(format, requestId), body };
}

function headersFor(format: WireFormat, requestId: string): Record<string, string> {
  return { "Content-Type": CONTENT_TYPE[format], "x-amzn-RequestId": requestId };
}

/** An operation with no output members still answers <{Op}Result></{Op}Result>. */
function emptyAsElement(tree: { [k: string]: XmlValue }): XmlValue {
  return Object.values(tree).some((v) => v !== undefined && v !== null) ? tree : "";
}

function toJson(value: XmlValue): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error("invalid Date in STS result");
    // whole seconds, as LocalStack (checked against AWS) renders STS timestamps in JSON
    return Math.floor(value.getTime() / 1000);
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]).filter(([, v]) => v !== undefined));
  }
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error("non-finite number in STS result");
  return value;
}

// Hand-written XML for the STS wire format (it is small and fixed; a library would only hide it).
// Output is laid out like real STS responses: two-space indentation, one element per line,
// no XML declaration, trailing newline.
// - Text escapes & < > (so "]]>" cannot appear) and CR as &#13; (XML would turn it into LF);
//   quotes stay literal in text, as in real STS messages ("Value 'x' at 'roleSessionName'"),
//   and are escaped in attribute values.
// - Characters XML 1.0 cannot carry at all (C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF,
//   unpaired surrogates) are replaced by U+FFFD: a character reference to them is just as
//   illegal, and a validation message may echo such a character from the request.
// - Element names come from code, never from a request; a bad one is a programming error.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" };
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, "\uFFFD").replace(/[&<>\r]/g, (c) => ENTITIES[c]!);
}

function escapeAttr(text: string): string {
  return text.replace(NOT_XML, "\uFFFD").replace(/[&<>"'\r]/g, (c) => ENTITIES[c]!);
}

export type XmlValue = string | number | boolean | Date | null | undefined | readonly XmlValue[] | { readonly [k: string]: XmlValue };

/** Renders `<name>value</name>` at `depth`; objects become child elements, arrays <member> lists. */
export function xmlElement(name: string, value: XmlValue, depth = 0, attrs = ""): string {
  if (!NAME.test(name)) throw new Error(`invalid XML element name: ${name}`);
  const pad = "  ".repeat(depth);
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) {
    const items = value.map((item) => xmlElement("member", item, depth + 1)).join("");
    return `${pad}<${name}${attrs}>\n${items}${pad}</${name}>\n`;
  }
  if (typeof value === "object" && !(value instanceof Date)) {
    const children = Object.entries(value)
      .map(([k, v]) => xmlElement(k, v, depth + 1))
      .join("");
    return `${pad}<${name}${attrs}>\n${children}${pad}</${name}>\n`;
  }
  return `${pad}<${name}${attrs}>${escapeXml(scalarText(value as string | number | boolean | Date))}</${name}>\n`;
}

/** Timestamps are ISO-8601 UTC with milliseconds, e.g. 2011-07-15T23:28:33.359Z (sts.md §1.1). */
function scalarText(value: string | number | boolean | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error("invalid Date in STS result");
    return value.toISOString();
  }
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error("non-finite number in STS result");
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw new Error(`unsupported value in STS result: ${typeof value}`);
  }
  return String(value);
}

export function xmlAttr(name: string, value: string): string {
  if (!NAME.test(name)) throw new Error(`invalid XML attribute name: ${name}`);
  return ` ${name}="${escapeAttr(value)}"`;
}

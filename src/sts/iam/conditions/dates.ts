// Date condition operators (IAM User Guide, condition operators "Date condition operators"):
// values are ISO 8601 date/time ("2020-01-01T12:00:00Z", "2020-01-01") or UNIX epoch seconds.
// A date without a zone is read as UTC. Unparseable values never match.
import type { Scalar } from "../context.ts";
import { never, type Compiler } from "./compiler.ts";

const EPOCH = /^\d+(?:\.\d+)?$/;
const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const BASIC = /^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?([Zz]|[+-]\d{2}(?:\d{2})?)?$/;

/** Milliseconds since the epoch, or undefined. */
export function parseDate(v: Scalar): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === "number") return Number.isFinite(v) ? Math.round(v * 1000) : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  if (EPOCH.test(s)) return Math.round(Number(s) * 1000);
  const m = EXTENDED.exec(s) ?? BASIC.exec(s);
  return m ? fromParts(m) : undefined;
}

function fromParts(m: RegExpExecArray): number | undefined {
  const [year, month, day, hour = 0, minute = 0, second = 0] = [1, 2, 3, 4, 5, 6].map((i) =>
    m[i] === undefined ? undefined : Number(m[i]),
  ) as number[];
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const utc = Date.UTC(year!, month! - 1, day!, hour, minute, second, ms);
  const d = new Date(utc);
  // reject 2021-02-30, 25:00 and the like instead of letting Date roll them over
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month! - 1 || d.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return utc - offsetMinutes(m[8]) * 60_000;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === "Z" || zone === "z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return zone[0] === "-" ? -minutes : minutes;
}

export function date(compare: (request: number, policy: number) => boolean): Compiler {
  return (policyValue) => {
    const p = parseDate(policyValue);
    if (p === undefined) return never;
    return (v) => {
      const t = parseDate(v);
      return t !== undefined && compare(t, p);
    };
  };
}

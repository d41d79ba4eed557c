// A tiny schema language for awsQuery parameters, mirroring the Smithy model's constraint
// traits (length, pattern, range, list max). Each action declares its parameters once with it;
// readParams() decodes and validates them, reporting constraint failures as AWS does.
// - Lengths count code points (real STS accepts 2048 "é" or 2048 emoji in a 2048-max member and
//   rejects 2050 code points of decomposed text: no normalization, no UTF-16 units).
// - Per member: "not null", then pattern, then length/range, in that order (real STS lists a
//   pattern failure before a length failure for the same value).
// - Numbers that do not parse as a 32-bit integer are MalformedInput (400), as real STS answers
//   for DurationSeconds=abc, =900.0 or =2147483648; `+900` and `0900` are accepted.
import { StsErrors } from "../errors.ts";
import { isAbsent, type QueryNode } from "./query-tree.ts";
import { Violations, memberName } from "./violations.ts";

export abstract class Param<T, R extends boolean = false> {
  readonly isRequired: R = false as R;

  /** Reads the member at `at`; returns undefined when absent or invalid (failures go to `v`). */
  read(node: QueryNode | undefined, at: string, v: Violations): T | undefined {
    if (isAbsent(node)) {
      if (this.isRequired) v.add(null, at, "must not be null");
      return undefined;
    }
    return this.readPresent(node, at, v);
  }

  /** The same parameter, required ("Member must not be null" when missing). */
  required(): Param<T, true> {
    return Object.assign(Object.create(Object.getPrototypeOf(this) as object) as Param<T, true>, this, { isRequired: true });
  }

  /** How AWS would print this value inside "Value '…'". */
  abstract show(value: T): string;
  protected abstract readPresent(node: QueryNode, at: string, v: Violations): T | undefined;
}

export interface Pattern {
  /** anchored, `u`-flag regular expression */
  re: RegExp;
  /** the model's pattern text, quoted verbatim in the error */
  text: string;
}

export interface StringRules {
  min?: number;
  max?: number;
  pattern?: Pattern;
  /** never echo the value in errors (model trait `sensitive`) */
  sensitive?: boolean;
}

export class StringParam extends Param<string> {
  constructor(readonly rules: StringRules) {
    super();
  }
  show(value: string): string {
    return value;
  }
  protected readPresent(node: QueryNode, at: string, v: Violations): string | undefined {
    const value = node.value;
    if (value === undefined) {
      if (this.isRequired) v.add(null, at, "must not be null");
      return undefined;
    }
    const before = v.count;
    const shown = this.rules.sensitive ? undefined : value;
    const { min, max, pattern } = this.rules;
    if (pattern && !pattern.re.test(value)) v.add(shown, at, `must satisfy regular expression pattern: ${pattern.text}`);
    const length = codePoints(value);
    if (min !== undefined && length < min) v.add(shown, at, `must have length greater than or equal to ${min}`);
    if (max !== undefined && length > max) v.add(shown, at, `must have length less than or equal to ${max}`);
    return v.count === before ? value : undefined;
  }
}

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

export class IntegerParam extends Param<number> {
  constructor(readonly rules: { min?: number; max?: number }) {
    super();
  }
  show(value: number): string {
    return String(value);
  }
  protected readPresent(node: QueryNode, at: string, v: Violations): number | undefined {
    const raw = node.value;
    if (raw === undefined) {
      if (this.isRequired) v.add(null, at, "must not be null");
      return undefined;
    }
    const value = parseInt32(raw, at);
    const { min, max } = this.rules;
    if (min !== undefined && value < min) v.add(this.show(value), at, `must have value greater than or equal to ${min}`);
    else if (max !== undefined && value > max) v.add(this.show(value), at, `must have value less than or equal to ${max}`);
    else return value;
    return undefined;
  }
}

function parseInt32(raw: string, at: string): number {
  // the empty-value text is real STS's; the other text is ours (STS sends no message there)
  if (raw === "") throw StsErrors.malformedInput("missing value for decimal type");
  const m = /^([+-]?)0*(\d{1,10})$/.exec(raw);
  const n = m ? Number(m[1] === "-" ? `-${m[2]}` : m[2]) : NaN;
  if (!Number.isInteger(n) || n > INT32_MAX || n < INT32_MIN) {
    throw StsErrors.malformedInput(`Value for '${at}' must be a 32-bit integer`);
  }
  return n;
}

export class ListParam<T> extends Param<T[]> {
  // list members are never null on the wire: a member sent without a value reads as missing
  private readonly member: Param<T, true>;
  constructor(
    readonly item: Param<T, boolean>,
    readonly rules: { max?: number } = {},
  ) {
    super();
    this.member = item.required();
  }
  show(value: T[]): string {
    return `[${value.map((x) => this.item.show(x)).join(", ")}]`;
  }
  protected readPresent(node: QueryNode, at: string, v: Violations): T[] | undefined {
    const members = listMembers(node, at);
    const before = v.count;
    const { max } = this.rules;
    if (max !== undefined && members.length > max) {
      v.add(`[${members.map(showRaw).join(", ")}]`, at, `must have length less than or equal to ${max}`);
      return undefined;
    }
    const out: T[] = [];
    members.forEach((m, i) => {
      const value = this.member.read(m, `${at}.${i + 1}.member`, v);
      if (value !== undefined) out.push(value);
    });
    return v.count === before ? out : undefined;
  }
}

/** A member as sent, for messages about the whole list (its items were not decoded). */
function showRaw(node: QueryNode): string {
  if (node.value !== undefined || !node.children) return node.value ?? "";
  return `{${[...node.children].map(([k, c]) => `${k}: ${showRaw(c)}`).join(",")}}`;
}

/**
 * `Name.member.N` entries in order. N is 1-based and must be contiguous; a gap, a zero or a
 * non-canonical index ("01") is MalformedInput: no SDK sends one, and silently renumbering
 * would let `member.1` and `member.01` collide. `Name=` (how SDKs send an empty list) is [].
 */
function listMembers(node: QueryNode, at: string): QueryNode[] {
  const entries = node.children?.get("member")?.children;
  if (!entries) return [];
  const byIndex = new Map<number, QueryNode>();
  for (const [key, child] of entries) {
    if (!/^[1-9]\d{0,5}$/.test(key)) throw StsErrors.malformedInput(`Invalid list index '${key}' in '${at}'`);
    byIndex.set(Number(key), child);
  }
  const out: QueryNode[] = [];
  for (let i = 1; i <= byIndex.size; i++) {
    const child = byIndex.get(i);
    if (!child) throw StsErrors.malformedInput(`List '${at}' has no member ${i} but has a later one`);
    out.push(child);
  }
  return out;
}

export class StructParam<S extends Shape> extends Param<Infer<S>> {
  constructor(readonly fields: S) {
    super();
  }
  show(value: Infer<S>): string {
    const parts = Object.keys(this.fields)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${k}: ${this.fields[k]!.show((value as Record<string, unknown>)[k])}`);
    return `{${parts.join(",")}}`;
  }
  protected readPresent(node: QueryNode, at: string, v: Violations): Infer<S> | undefined {
    const before = v.count;
    const out = readShape(this.fields, node, v, at);
    return v.count === before ? out : undefined;
  }
}

// ---- shapes and their TypeScript types ------------------------------------------------------

export type Shape = { readonly [name: string]: Param<any, boolean> };
type ValueOf<P> = P extends Param<infer T, boolean> ? T : never;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends Param<any, true> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The decoded parameters of a shape: required members are present, the others optional. */
export type Infer<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: ValueOf<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: ValueOf<S[K]> }
>;

function readShape<S extends Shape>(shape: S, node: QueryNode | undefined, v: Violations, prefix?: string): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(shape)) {
    const at = prefix === undefined ? memberName(name) : `${prefix}.${memberName(name)}`;
    const value = param.read(node?.children?.get(name), at, v);
    if (value !== undefined) out[name] = value;
  }
  return out as Infer<S>;
}

/** Decodes and validates an action's parameters; throws one ValidationError listing every failure. */
export function readParams<S extends Shape>(shape: S, root: QueryNode): Infer<S> {
  const v = new Violations();
  const out = readShape(shape, root, v);
  v.throwIfAny();
  return out;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// Typed domain errors. Domain code throws these; each protocol maps them to its own wire form
// in exactly one place (HTML page, problem+json, OAuth JSON, SAML status, AWS ErrorResponse).

export type ErrorKind =
  | "invalid"
  | "not_found"
  | "conflict"
  | "denied"
  | "unauthenticated"
  | "expired"
  | "locked"
  | "rate_limited"
  | "too_large"
  | "unavailable";

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  denied: 403,
  unauthenticated: 401,
  expired: 400,
  locked: 423,
  rate_limited: 429,
  too_large: 413,
  unavailable: 503,
};

export class DomainError extends Error {
  readonly kind: ErrorKind;
  /** field-level messages for forms and problem+json ("invalid" errors) */
  readonly fields: Record<string, string>;
  /** seconds after which a retry may succeed ("locked", "rate_limited") */
  readonly retryAfter?: number;

  constructor(kind: ErrorKind, message: string, opts: { fields?: Record<string, string>; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.fields = opts.fields ?? {};
    this.retryAfter = opts.retryAfter;
  }

  get status(): number {
    return STATUS[this.kind];
  }
}

export class Invalid extends DomainError {
  constructor(message: string, fields: Record<string, string> = {}) {
    super("invalid", message, { fields });
  }
}
export class NotFound extends DomainError {
  constructor(message: string) {
    super("not_found", message);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, fields: Record<string, string> = {}) {
    super("conflict", message, { fields });
  }
}
export class Denied extends DomainError {
  constructor(message: string) {
    super("denied", message);
  }
}
export class Unauthenticated extends DomainError {
  constructor(message: string) {
    super("unauthenticated", message);
  }
}
export class Expired extends DomainError {
  constructor(message: string) {
    super("expired", message);
  }
}
export class Locked extends DomainError {
  constructor(message: string, retryAfter: number) {
    super("locked", message, { retryAfter });
  }
}
export class RateLimited extends DomainError {
  constructor(message: string, retryAfter: number) {
    super("rate_limited", message, { retryAfter });
  }
}
export class TooLarge extends DomainError {
  constructor(message: string) {
    super("too_large", message);
  }
}
export class Unavailable extends DomainError {
  constructor(message: string, cause?: unknown) {
    super("unavailable", message, { cause });
  }
}

/** True for errors that mean "the database cannot be reached" (driver or Prisma level). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: any = err;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const code = String(e.code ?? "");
    if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "57P01", "57P03", "08006", "08001", "08003", "P1001", "P1017", "P2024"].includes(code)) return true;
    if (/Connection terminated|connection is closed|Client has encountered a connection error|PGlite is closed|database system is shutting down/i.test(String(e.message ?? ""))) return true;
    e = e.cause;
  }
  return false;
}

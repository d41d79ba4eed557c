// Starting a sign-in through an upstream IdP is anonymous and writes a row (the login state, kept
// ten minutes), so one address could fill that table with sign-ins it never finishes. Each client
// address (ipKey: an IPv4 address or an IPv6 /64) may start at most `perMinute` of them in a
// minute on this process; more are refused until the minute ends. The count is in memory, per
// process: a flood from one address is what it stops, and it must cost no database write of its
// own. The default is generous because a company's people often share one NAT address.
// Memory is bounded: the counts are dropped every minute, and past `maxAddresses` distinct
// addresses in one minute a new address is let through uncounted (refusing it would lock out
// everyone new during a distributed flood, which no per-address limit stops anyway).

const WINDOW_MS = 60_000;

export interface StartDecision {
  /** seconds until a start may succeed again; 0 means go ahead */
  retryAfter: number;
  /** true for the first refusal of this address in this minute (audit it once, not per request) */
  firstRefusal: boolean;
}

export class StartLimiter {
  #counts = new Map<string, number>();
  #windowStart = 0;

  /** perMinute 0 turns the limit off */
  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxAddresses = 100_000,
  ) {}

  take(address: string): StartDecision {
    if (this.perMinute === 0) return { retryAfter: 0, firstRefusal: false };
    const now = this.now();
    const windowStart = now - (now % WINDOW_MS);
    if (windowStart !== this.#windowStart) {
      this.#counts.clear();
      this.#windowStart = windowStart;
    }
    const seen = this.#counts.get(address);
    if (seen === undefined && this.#counts.size >= this.maxAddresses) return { retryAfter: 0, firstRefusal: false };
    const count = (seen ?? 0) + 1;
    this.#counts.set(address, count);
    if (count <= this.perMinute) return { retryAfter: 0, firstRefusal: false };
    return { retryAfter: Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000)), firstRefusal: count === this.perMinute + 1 };
  }
}

// How long the cluster primary waits before replacing a worker that died. A worker that had been
// up a while is replaced at once (a one-off crash); one that dies soon after starting is probably
// failing at boot (database down, a bad deploy), so the waits double up to a ceiling instead of
// forking in a tight loop.
export interface BackoffOptions {
  /** first wait after a quick death */
  minMs?: number;
  maxMs?: number;
  /** a worker that lived this long counts as healthy: the next death restarts at once */
  stableMs?: number;
}

export class RestartBackoff {
  readonly #min: number;
  readonly #max: number;
  readonly #stable: number;
  #last = 0;

  constructor(opts: BackoffOptions = {}) {
    this.#min = opts.minMs ?? 1000;
    this.#max = opts.maxMs ?? 30_000;
    this.#stable = opts.stableMs ?? 30_000;
  }

  /** The wait before restarting a worker that died after `uptimeMs`. */
  next(uptimeMs: number): number {
    this.#last = uptimeMs >= this.#stable ? 0 : Math.min(this.#max, Math.max(this.#min, this.#last * 2));
    return this.#last;
  }
}

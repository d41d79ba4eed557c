// A Prometheus counter for hot paths. prom-client's inc() (and a child from counter.labels(), which
// only binds the same call) hashes and validates the label set on every call: ~0.6 µs measured
// with three labels. Here each label set has one plain number, found through one Map per label
// (~0.04 µs), and what accumulated is added to the prom-client counter when the registry is read
// (a scrape, or a cluster worker's registry being collected), so the exposition is unchanged.
// Callers must pass label values from a fixed set: every new combination is a new series.
import { Counter, type Registry } from "prom-client";

interface Slot {
  labels: Record<string, string>;
  pending: number;
}

type Level = Map<string, Level | Slot>;

/** one label value per label name, in order */
type Values<Names extends readonly string[]> = { [I in keyof Names]: string };

export class TallyCounter<const Names extends readonly string[]> {
  readonly #labelNames: Names;
  readonly #root: Level = new Map();
  readonly #slots: Slot[] = [];

  constructor(opts: { name: string; help: string; labelNames: Names; registers: Registry[] }) {
    this.#labelNames = opts.labelNames;
    const slots = this.#slots;
    new Counter<Names[number]>({
      ...opts,
      labelNames: [...opts.labelNames],
      collect() {
        for (const s of slots) {
          if (s.pending === 0) continue;
          this.inc(s.labels as Partial<Record<Names[number], string>>, s.pending);
          s.pending = 0;
        }
      },
    });
  }

  /** Counts one event; `values` in the order of labelNames. */
  inc(...values: Values<Names>): void {
    let level = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]!) as Level | undefined;
      if (!next) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    let slot = level.get(values[last]!) as Slot | undefined;
    if (!slot) level.set(values[last]!, (slot = this.#newSlot(values)));
    slot.pending++;
  }

  #newSlot(values: Values<Names>): Slot {
    const labels: Record<string, string> = {};
    this.#labelNames.forEach((name, i) => (labels[name] = values[i]!));
    const slot = { labels, pending: 0 };
    this.#slots.push(slot);
    return slot;
  }
}

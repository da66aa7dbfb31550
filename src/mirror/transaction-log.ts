// A bounded record of what happened, newest last: the scoreboard prints the
// tail of it when an invariant fails.

/** The places transactions are logged at: each node's process port and each link direction. */
export const LOG_PLACES = ['a', 'b', 'a->b', 'b->a'] as const;

export interface LoggedTransaction {
  /** Simulation time in ns. */
  time: number;
  /** Where it was seen: `a`, `b`, `a->b`, `b->a`. */
  where: string;
  text: string;
}

export class TransactionLog {
  /** One ring per place, so busy places do not push out quiet ones. */
  private readonly places = new Map<string, LoggedTransaction[]>();

  constructor(private readonly capacity = 100) {}

  add(entry: LoggedTransaction): void {
    let entries = this.places.get(entry.where);
    if (!entries) this.places.set(entry.where, (entries = []));
    entries.push(entry);
    if (entries.length > 2 * this.capacity) entries.splice(0, entries.length - this.capacity);
  }

  /** The last `count` entries seen at `where`. */
  tail(count: number, where: string): LoggedTransaction[] {
    return (this.places.get(where) ?? []).slice(-count);
  }

  static format(entries: readonly LoggedTransaction[]): string {
    return entries.map((entry) => `  ${String(entry.time).padStart(9)} ns  ${entry.where.padEnd(4)}  ${entry.text}`).join('\n');
  }
}

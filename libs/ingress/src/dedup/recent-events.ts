interface Entry {
  expiresAt: number;
  /** Set while the first copy's Kafka write is unacknowledged. */
  write: Promise<void> | undefined;
}

export type Recent =
  { state: 'absent' } | { state: 'acknowledged' } | { state: 'writing'; write: Promise<void> };

/**
 * The events this process accepted recently (bounded, least recently used out first). It only
 * answers a duplicate faster, without a Kafka write; the dedup consumer is what guarantees one
 * publication across replicas, so forgetting an entry early is harmless.
 */
export class RecentEvents {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  lookup(key: string, nowMs: number): Recent {
    const entry = this.entries.get(key);
    if (!entry) return { state: 'absent' };
    if (entry.expiresAt <= nowMs) {
      this.entries.delete(key);
      return { state: 'absent' };
    }
    return entry.write ? { state: 'writing', write: entry.write } : { state: 'acknowledged' };
  }

  /** Records the first copy's write; a failed write forgets the event so a retry writes again. */
  begin(key: string, write: Promise<void>, expiresAt: number): void {
    if (this.maxEntries === 0) return;
    const entry: Entry = { expiresAt, write };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    write.then(
      () => (entry.write = undefined),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
  }

  get size(): number {
    return this.entries.size;
  }
}

import type { AttemptRow } from '@gateway/persistence';

/**
 * Collects attempt records and writes them in batches (one transaction per flush), off the
 * delivery's critical path. `record` resolves when its row is durable; a failed flush is retried,
 * so a task is never finished (its offset committed) before its attempt is on record.
 */
export class AttemptRecorder {
  private buffer: { row: AttemptRow; resolve: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly write: (rows: AttemptRow[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly lingerMs = 10,
    private readonly maxBatch = 1000,
  ) {}

  record(row: AttemptRow): Promise<void> {
    return new Promise((resolve) => {
      this.buffer.push({ row, resolve });
      if (this.buffer.length >= this.maxBatch) this.kick(0);
      else this.kick(this.lingerMs);
    });
  }

  /** Writes everything buffered (used at shutdown). */
  async flush(): Promise<void> {
    while (this.buffer.length > 0 || this.flushing) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await (this.flushing ?? this.writeBuffered());
    }
  }

  private kick(delayMs: number): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeBuffered();
    }, delayMs);
  }

  private writeBuffered(): Promise<void> {
    const batch = this.buffer.splice(0, this.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
        try {
          await this.write(batch.map((item) => item.row));
          break;
        } catch (error) {
          this.onError(error);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
      for (const item of batch) item.resolve();
    })().finally(() => {
      this.flushing = undefined;
      if (this.buffer.length > 0) this.kick(0);
    });
    return this.flushing;
  }
}

import { failureKind } from '@gateway/kafka';

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Self-clocking batches for writes that many callers make at once (the ingress journal, the
 * router's statements). A server answers one request per connection at a time, so a write every
 * millisecond (a fixed linger) queues behind itself once each takes about a millisecond: at 2,000
 * webhooks/s that pushed acknowledgements to ~40 ms. Here a batch leaves as soon as fewer than
 * `maxInFlight` are on their way, and everything that arrives meanwhile goes in the next one: one
 * item per batch when idle, large batches under load, and no fixed wait in either case. Each caller
 * settles with its batch, with the batch's result.
 */
export interface BatcherOptions {
  /** Batches on their way at once (default 2). */
  maxInFlight?: number;
  /** Items per batch at most (default 250). */
  maxBatch?: number;
  /**
   * Least time between two batches, ms (default 0). For writes off the critical path (records
   * that only an API reads): under load each round trip carries more, and there are far fewer of
   * them (a write to another process costs a good part of a millisecond of CPU on small VMs).
   */
  spacingMs?: number;
  /**
   * Whether a batch's failure may be one item's doing, so that each item is sent again alone and
   * settles with its own result: one bad row must not fail the rows it shared a statement with
   * (ADR 0018). Default: a failure about the data (`failureKind` 'message'); an outage fails the
   * whole batch at once.
   */
  isolate?: (error: unknown) => boolean;
}

export class AdaptiveBatcher<T, R = void> {
  private pending: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private lastSentAt = -Infinity;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly spacingMs: number;
  private readonly isolate: (error: unknown) => boolean;

  constructor(
    private readonly sendMany: (items: T[]) => Promise<R>,
    options: BatcherOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxBatch = options.maxBatch ?? 250;
    this.spacingMs = options.spacingMs ?? 0;
    this.isolate = options.isolate ?? ((error) => failureKind(error) === 'message');
  }

  send(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Messages waiting for a batch (not yet handed to Kafka). */
  get queued(): number {
    return this.pending.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    // A timer may fire up to a millisecond before its delay by this clock: `run` waits out the rest.
    const run = () => {
      const wait = this.lastSentAt + this.spacingMs - performance.now();
      if (wait > 0) return void setTimeout(run, Math.ceil(wait));
      this.scheduled = false;
      this.flush();
    };
    // After the current I/O callbacks: the calls made in this turn share the batch.
    setImmediate(run);
  }

  private flush(): void {
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const batch =
        this.pending.length <= this.maxBatch ? this.pending : this.pending.slice(0, this.maxBatch);
      this.pending = this.pending.length <= this.maxBatch ? [] : this.pending.slice(this.maxBatch);
      this.inFlight++;
      this.lastSentAt = performance.now();
      this.sendMany(batch.map((entry) => entry.item))
        .then(
          (result) => batch.forEach((entry) => entry.resolve(result)),
          (error: unknown) =>
            batch.length > 1 && this.isolate(error)
              ? this.sendAlone(batch)
              : batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
      if (this.spacingMs > 0) {
        this.schedule();
        return;
      }
    }
  }

  /** Each item of a failed batch on its own, one after another (it still counts as one in flight). */
  private async sendAlone(batch: Pending<T, R>[]): Promise<void> {
    for (const entry of batch) {
      await this.sendMany([entry.item]).then(entry.resolve, entry.reject);
    }
  }
}

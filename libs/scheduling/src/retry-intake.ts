import { failureKind } from '@gateway/kafka';
import type { ClaimedRetry, RetryRow } from '@gateway/persistence';

/**
 * A retry taken from `webhooks.retries`; `complete` makes its offset committable, `reject` sends it
 * to the invalid topic (PostgreSQL refused it for its content) and then completes it.
 */
export interface IncomingRetry {
  row: RetryRow;
  complete(): void;
  reject(failure: unknown): Promise<void>;
}

export interface RetryIntakePorts {
  /** Stores retries and claims those due within the window for this instance. */
  store(rows: RetryRow[]): Promise<ClaimedRetry[]>;
  adopt(claimed: ClaimedRetry[]): void;
  now(): number;
  onStoreError(error: unknown): void;
}

export interface RetryIntakeSettings {
  windowMs: number;
  /**
   * Later retries waiting to be stored in the background, beyond which `accept` waits
   * (backpressure; each holds its task JSON, about 1-2 KB).
   */
  maxBackground: number;
}

/**
 * Takes retries into storage so that the soon-due ones are never late because of a burst: the
 * retries due within the window are stored (and adopted for firing) before `accept` returns; the
 * later ones are stored in the background, one batch after another, retried until stored, and
 * only then completed. Nothing is completed (committed) before it is in PostgreSQL, or on the
 * invalid topic: a batch refused for its content (`failureKind` 'message') is stored again one
 * retry at a time, and the one refused alone is rejected instead of retried forever (ADR 0018).
 */
export class RetryIntake {
  private background: Promise<void> = Promise.resolve();
  private pending = 0;
  private stopping = false;

  constructor(
    private readonly ports: RetryIntakePorts,
    private readonly settings: RetryIntakeSettings,
  ) {}

  async accept(retries: IncomingRetry[]): Promise<void> {
    const horizon = this.ports.now() + this.settings.windowMs;
    const soon = retries.filter((retry) => retry.row.dueAt <= horizon);
    const later = retries.filter((retry) => retry.row.dueAt > horizon);
    if (soon.length > 0) {
      this.ports.adopt(await this.ports.store(soon.map((retry) => retry.row)));
      for (const retry of soon) retry.complete();
    }
    if (later.length === 0) return;
    this.pending += later.length;
    // Chained: a later copy of a retry is never overwritten by an earlier one still being stored.
    this.background = this.background
      .then(() => this.storeLater(later))
      .finally(() => (this.pending -= later.length));
    while (this.pending > this.settings.maxBackground) await this.background;
  }

  /** Waits for the background stores (used at shutdown; what is unfinished stays uncommitted). */
  async drain(): Promise<void> {
    this.stopping = true;
    await this.background;
  }

  private async storeLater(later: IncomingRetry[]): Promise<void> {
    for (let delay = 100; !this.stopping || delay === 100; delay = Math.min(delay * 2, 5000)) {
      try {
        this.ports.adopt(await this.ports.store(later.map((retry) => retry.row)));
        for (const retry of later) retry.complete();
        return;
      } catch (error) {
        this.ports.onStoreError(error);
        if (failureKind(error) === 'message') return this.storeEachLater(later, error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Each retry of a batch refused for its content, alone; one refused alone is rejected. */
  private async storeEachLater(later: IncomingRetry[], failure: unknown): Promise<void> {
    if (later.length === 1) return this.rejectLater(later[0], failure);
    for (const retry of later) await this.storeLater([retry]);
  }

  /** To the invalid topic, retried while Kafka is away (never dropped, never completed before). */
  private async rejectLater(retry: IncomingRetry, failure: unknown): Promise<void> {
    for (let delay = 100; !this.stopping || delay === 100; delay = Math.min(delay * 2, 5000)) {
      try {
        return await retry.reject(failure);
      } catch (error) {
        this.ports.onStoreError(error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

import { inBatches } from './in-batches';
import { PeriodicPass } from './periodic-pass';

const DAY_MS = 86_400_000;

export interface DeadLetterExpiryPorts {
  /** Deletes at most `limit` dead letters that died before `cutoff`; how many it deleted. */
  expire(cutoff: Date, limit: number): Promise<number>;
  now(): Date;
  /** A pass that failed (the next one retries). */
  failed(error: unknown): void;
}

export interface DeadLetterExpirySettings {
  /** A dead letter is kept this many days after it died (redriven or not). */
  retentionDays: number;
  /** Rows per statement: a pass is many short statements, never one long lock. */
  batch: number;
  intervalMs: number;
}

/**
 * Removes dead letters older than DEAD_LETTER_RETENTION_DAYS in bounded batches (ADR 0028). The
 * `dead_letters` table is small and unpartitioned (a row per delivery that gave up), so a batched
 * delete by `dead_at` (indexed) is enough; the event tables are for partition drops.
 */
export class DeadLetterExpiry {
  private readonly periodic: PeriodicPass<number>;

  constructor(
    private readonly ports: DeadLetterExpiryPorts,
    private readonly settings: DeadLetterExpirySettings,
  ) {
    this.periodic = new PeriodicPass(() => this.runOnce(), settings.intervalMs, ports);
  }

  /** One pass: batches until one comes back short; the rows deleted. */
  async runOnce(): Promise<number> {
    const cutoff = new Date(this.ports.now().getTime() - this.settings.retentionDays * DAY_MS);
    return await inBatches(this.settings.batch, (limit) => this.ports.expire(cutoff, limit));
  }

  start(): void {
    this.periodic.start();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    await this.periodic.stop();
  }
}

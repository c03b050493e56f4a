import { metrics, SpanKind, startHopSpan, type Logger } from '@gateway/observability';
import type { ClaimedRetry, RetryKey } from '@gateway/persistence';
import { DueHeap } from './due-heap';

/** The scheduler's I/O: PostgreSQL holds every pending retry, Kafka receives the due ones. */
export interface SchedulerPorts {
  claimDue(limit: number): Promise<ClaimedRetry[]>;
  loadTasks(keys: RetryKey[]): Promise<{ deliveryId: string; attempt: number; task: unknown; traceparent: string | null }[]>;
  emit(items: { task: unknown; traceparent: string | null }[]): Promise<void>;
  deleteFired(keys: RetryKey[]): Promise<void>;
  renew(keys: RetryKey[]): Promise<number>;
}

export interface SchedulerSettings {
  /** How far ahead retries are claimed into memory. */
  windowMs: number;
  /** How long a claim lasts without renewal; a dead instance's claims pass to others after it. */
  leaseMs: number;
  pollMs: number;
  batch: number;
}

const keyOf = (item: RetryKey) => `${item.deliveryId}\u0000${item.attempt}`;

/**
 * Fires retries when due, never before. Only the claimed near-term window lives in memory (keys and
 * due times; payloads are read at fire time), so pending retries cost database rows, not heap.
 * Leases (renewed while held) and SKIP LOCKED claims let several instances share the work; a
 * retry fires, is acknowledged by Kafka, and only then is deleted, so a crash re-fires, never loses.
 */
export class RetryScheduler {
  private readonly heap = new DueHeap<ClaimedRetry>();
  private readonly held = new Map<string, ClaimedRetry>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private poller: NodeJS.Timeout | undefined;
  private renewer: NodeJS.Timeout | undefined;
  private firing = false;
  private stopped = false;

  constructor(
    private readonly ports: SchedulerPorts,
    private readonly settings: SchedulerSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.poller = setInterval(() => void this.poll(), this.settings.pollMs);
    this.renewer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.settings.leaseMs / 3)));
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.poller);
    clearInterval(this.renewer);
    clearTimeout(this.timer);
  }

  heldCount(): number {
    return this.held.size;
  }

  /** Takes retries this instance claimed elsewhere (on insert, when due within the window). */
  adopt(claimed: ClaimedRetry[]): void {
    for (const item of claimed) {
      const key = keyOf(item);
      if (this.held.has(key)) continue;
      this.held.set(key, item);
      this.heap.push(item);
    }
    this.arm();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      const claimed = await this.ports.claimDue(this.settings.batch);
      this.adopt(claimed);
    } catch (error) {
      this.logger.warn({ err: error }, 'claiming due retries failed');
    }
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.ports.renew([...this.held.values()]);
    } catch (error) {
      this.logger.warn({ err: error }, 'renewing retry leases failed');
    }
  }

  private arm(): void {
    const next = this.heap.peek();
    if (!next || this.stopped) return;
    if (next.dueAt >= this.timerAt && this.timer) return;
    clearTimeout(this.timer);
    this.timerAt = next.dueAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.fire();
    }, Math.max(0, next.dueAt - Date.now()));
  }

  private async fire(): Promise<void> {
    if (this.firing) return;
    this.firing = true;
    try {
      for (;;) {
        const now = Date.now();
        const due: ClaimedRetry[] = [];
        while (due.length < this.settings.batch && (this.heap.peek()?.dueAt ?? Infinity) <= now) due.push(this.heap.pop()!);
        if (due.length === 0) break;
        try {
          await this.fireBatch(due);
        } catch (error) {
          this.logger.warn({ err: error, count: due.length }, 'firing retries failed; trying again shortly');
          await new Promise((resolve) => setTimeout(resolve, 250));
          for (const item of due) this.heap.push(item);
          if (this.stopped) break;
        }
      }
    } finally {
      this.firing = false;
      this.arm();
    }
  }

  private async fireBatch(due: ClaimedRetry[]): Promise<void> {
    const rows = await this.ports.loadTasks(due);
    const spans = rows.map((row) =>
      startHopSpan('fire retry', row.traceparent ?? undefined, { 'gateway.delivery.id': row.deliveryId, 'gateway.attempt': row.attempt }, SpanKind.PRODUCER),
    );
    try {
      await this.ports.emit(rows.map((row, index) => ({ task: row.task, traceparent: spans[index].traceparent ?? null })));
    } catch (error) {
      for (const span of spans) span.end('failed', (error as Error).message);
      throw error;
    }
    for (const span of spans) span.end('fired');
    const firedAt = Date.now();
    for (const item of due) metrics.retryLateness.observe(Math.max(0, firedAt - item.dueAt) / 1000);
    metrics.retriesFired.inc(rows.length);
    await this.ports.deleteFired(due);
    for (const item of due) this.held.delete(keyOf(item));
  }
}

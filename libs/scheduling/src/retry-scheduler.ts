import { metrics, SpanKind, startHopSpan, type Logger } from '@gateway/observability';
import type { ClaimedRetry, FiredRetry, RetryKey } from '@gateway/persistence';
import { DueHeap } from './due-heap';

/** The scheduler's I/O: PostgreSQL holds every pending retry, Kafka receives the due ones. */
export interface SchedulerPorts {
  /** Claims retries due within the window, with their payloads. */
  claimDue(limit: number): Promise<ClaimedRetry[]>;
  emit(items: { task: unknown; traceparent: string | null }[]): Promise<void>;
  deleteFired(keys: FiredRetry[]): Promise<void>;
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
 * Fires retries when due, never before. Only the claimed near-term window lives in memory (its
 * payloads included, so firing is one Kafka produce); everything later stays in PostgreSQL, so
 * pending retries cost rows, not heap. Leases (renewed while held) and SKIP LOCKED claims let
 * several instances share the work. A retry is deleted only after Kafka acknowledged it (batched,
 * off the firing path), so a crash re-fires, never loses; the dispatcher drops a second copy of
 * the same attempt.
 */
export class RetryScheduler {
  private readonly heap = new DueHeap<ClaimedRetry>();
  private readonly held = new Map<string, ClaimedRetry>();
  private fired: ClaimedRetry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly intervals: NodeJS.Timeout[] = [];
  private stopped = false;
  /** One claim, one renewal and one delete at a time: a slow database must not pile statements up. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly ports: SchedulerPorts,
    private readonly settings: SchedulerSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.intervals.push(
      setInterval(() => this.once('poll', () => this.poll()), this.settings.pollMs),
      setInterval(
        () => this.once('renew', () => this.renew()),
        Math.max(100, Math.floor(this.settings.leaseMs / 3)),
      ),
      setInterval(() => this.once('delete', () => this.deleteFired()), 50),
    );
    this.once('poll', () => this.poll());
  }

  private once(name: string, work: () => Promise<void>): void {
    if (this.busy.has(name)) return;
    this.busy.add(name);
    void work().finally(() => this.busy.delete(name));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const interval of this.intervals) clearInterval(interval);
    clearTimeout(this.timer);
    await this.deleteFired();
  }

  heldCount(): number {
    return this.held.size;
  }

  /** Takes retries this instance claimed elsewhere (on insert, when due within the window). */
  adopt(claimed: ClaimedRetry[]): void {
    for (const item of claimed) {
      const key = keyOf(item);
      // The same token is already here; a new token is a copy stored again (a deferral): fire it too.
      if (this.held.get(key)?.token === item.token) continue;
      this.held.set(key, item);
      this.heap.push(item);
    }
    this.arm();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      this.adopt(await this.ports.claimDue(this.settings.batch));
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
    if (this.timer && next.dueAt >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next.dueAt;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.fireDue();
      },
      Math.max(0, next.dueAt - Date.now()),
    );
  }

  /** Emits everything due now; batches in flight overlap, the producer joins them into few requests. */
  private fireDue(): void {
    const now = Date.now();
    const due: ClaimedRetry[] = [];
    while ((this.heap.peek()?.dueAt ?? Infinity) <= now) due.push(this.heap.pop()!);
    for (let start = 0; start < due.length; start += this.settings.batch)
      void this.fire(due.slice(start, start + this.settings.batch));
    this.arm();
  }

  private async fire(due: ClaimedRetry[]): Promise<void> {
    const spans = due.map((item) =>
      startHopSpan(
        'fire retry',
        item.traceparent ?? undefined,
        { 'gateway.delivery.id': item.deliveryId, 'gateway.attempt': item.attempt },
        SpanKind.PRODUCER,
      ),
    );
    try {
      await this.ports.emit(
        due.map((item, index) => ({ task: item.task, traceparent: spans[index].traceparent ?? null })),
      );
    } catch (error) {
      for (const span of spans) span.end('failed', (error as Error).message);
      this.logger.warn({ err: error, count: due.length }, 'firing retries failed; trying again shortly');
      setTimeout(() => {
        for (const item of due) this.heap.push(item);
        this.arm();
      }, 250);
      return;
    }
    const firedAt = Date.now();
    for (const span of spans) span.end('fired');
    for (const item of due) metrics.retryLateness.observe(Math.max(0, firedAt - item.dueAt) / 1000);
    metrics.retriesFired.inc(due.length);
    this.fired.push(...due);
  }

  /** Deletes fired retries in batches; until then they stay held (their leases renewed). */
  private async deleteFired(): Promise<void> {
    if (this.fired.length === 0) return;
    const batch = this.fired;
    this.fired = [];
    try {
      await this.ports.deleteFired(batch);
      for (const item of batch) {
        const key = keyOf(item);
        if (this.held.get(key)?.token === item.token) this.held.delete(key);
      }
    } catch (error) {
      this.fired.push(...batch);
      this.logger.warn({ err: error }, 'deleting fired retries failed; will retry');
    }
  }
}

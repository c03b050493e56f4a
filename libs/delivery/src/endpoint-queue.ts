import { monotonicClock, type Clock } from './clock';
import { LatencyLimit } from './latency-limit';
import { TokenBucket } from './token-bucket';

export interface QueueLimits {
  /** Attempts in flight at once (1 for ordered endpoints). */
  concurrency: number;
  /** Tasks waiting; `offer` refuses beyond it. */
  maxWaiting: number;
  /** Attempts started per second, or null for no limit. */
  perSecond: number | null;
  /** The part of a shared budget this queue may use now, given its cap (`ConcurrencyBudget.share`). */
  share?: (cap: number) => number;
  /**
   * Present: attempts in flight also follow the endpoint's own answer times while this says the
   * dispatcher is CPU-bound, within the cap (`LatencyLimit`).
   */
  saturated?: () => boolean;
}

/**
 * One endpoint's queue: its own concurrency cap, bounded size and token-bucket rate limit, so a
 * slow or dead endpoint only ever holds its own slots. Tasks start in the order offered.
 */
export class EndpointQueue<T> {
  private readonly waiting: T[] = [];
  private head = 0;
  private running = 0;
  private readonly bucket: TokenBucket;
  /** How long a task holds its slot, smoothed (undefined until the first one ends). */
  private smoothedRunMs: number | undefined;
  private latency: LatencyLimit | undefined;

  constructor(
    private limits: QueueLimits,
    /** Runs a task in a slot; resolving false says it made no attempt, and its time is not counted. */
    private readonly run: (task: T) => Promise<boolean | void>,
    /** Times slots and the rate limit: durations only, so monotonic by default. */
    private readonly clock: Clock = monotonicClock,
  ) {
    this.bucket = new TokenBucket(limits.perSecond ?? 0, clock);
    this.latency = limits.saturated ? new LatencyLimit(limits.concurrency) : undefined;
  }

  /** Attempts that may be in flight now: the cap, within a shared budget's share and the latency limit. */
  slots(): number {
    const { concurrency, share } = this.limits;
    return Math.min(share ? share(concurrency) : concurrency, this.latency?.value() ?? Infinity);
  }

  /**
   * About how long `count` tasks (the waiting ones) will take (Infinity when none has completed yet): the recent
   * time a task holds its slot over the slots there are (Little's law), or the rate limit if that is
   * slower. Measured while busy, so an idle spell does not make a burst look slow to drain. A task
   * refused now is worth offering again after that long, not sooner.
   */
  drainEstimateMs(count = this.size()): number {
    if (this.smoothedRunMs === undefined) return Infinity;
    const { perSecond } = this.limits;
    const perTaskMs = Math.max(
      this.smoothedRunMs / Math.max(1, this.slots()),
      perSecond ? 1000 / perSecond : 0,
    );
    return count * perTaskMs;
  }

  private countFinished(runMs: number): void {
    // Whether tasks waited for a slot as this one ended: the limit held work back.
    if (this.latency) this.latency.observe(runMs, this.size() > 0, this.limits.saturated?.() === true);
    this.smoothedRunMs =
      this.smoothedRunMs === undefined ? runMs : this.smoothedRunMs + 0.1 * (runMs - this.smoothedRunMs);
  }

  /** Adopts new limits (the endpoint was edited); running tasks are not interrupted. */
  setLimits(limits: QueueLimits): void {
    this.limits = limits;
    if (!limits.saturated) this.latency = undefined;
    else if (this.latency) this.latency.setCap(limits.concurrency);
    else this.latency = new LatencyLimit(limits.concurrency);
    this.pump();
  }

  /**
   * Queues a task; false when the queue holds `maxWaiting` tasks (the caller defers it elsewhere).
   * `room` raises that bound for this one call (the caller has paused the task's source).
   */
  offer(task: T, room = this.limits.maxWaiting): boolean {
    if (this.size() >= room) return false;
    this.waiting.push(task);
    this.pump();
    return true;
  }

  /** Starts what the limits allow now (after a shared budget grew). */
  resume(): void {
    this.pump();
  }

  /** Nothing waiting and nothing running. */
  idle(): boolean {
    return this.running === 0 && this.size() === 0;
  }

  size(): number {
    return this.waiting.length - this.head;
  }

  active(): number {
    return this.running;
  }

  private takeToken(): boolean {
    const rate = this.limits.perSecond;
    return rate === null || this.bucket.take(rate, () => this.pump());
  }

  private pump(): void {
    const slots = this.slots();
    while (this.running < slots && this.size() > 0 && this.takeToken()) {
      const task = this.waiting[this.head];
      this.waiting[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.running++;
      const startedAt = this.clock.now();
      const finish = (attempted: boolean | void) => {
        this.running--;
        if (attempted !== false) this.countFinished(this.clock.now() - startedAt);
        this.pump();
      };
      this.run(task).then(finish, () => finish(false));
    }
  }
}

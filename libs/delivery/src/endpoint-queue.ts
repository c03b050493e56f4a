export interface QueueLimits {
  /** Attempts in flight at once (1 for ordered endpoints). */
  concurrency: number;
  /** Tasks waiting; `offer` refuses beyond it. */
  maxWaiting: number;
  /** Attempts started per second, or null for no limit. */
  perSecond: number | null;
  /** The part of a shared budget this queue may use now, given its cap (`ConcurrencyBudget.share`). */
  share?: (cap: number) => number;
}

/**
 * One endpoint's queue: its own concurrency cap, bounded size and token-bucket rate limit, so a
 * slow or dead endpoint only ever holds its own slots. Tasks start in the order offered.
 */
export class EndpointQueue<T> {
  private readonly waiting: T[] = [];
  private head = 0;
  private running = 0;
  private tokens: number;
  private lastRefill = performance.now();
  private timer: NodeJS.Timeout | undefined;
  /** Completions per second, smoothed over one-second windows (0 until the first window ends). */
  private rate = 0;
  private finishedInWindow = 0;
  private windowStart: number;

  constructor(
    private limits: QueueLimits,
    private readonly run: (task: T) => Promise<void>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limits.perSecond ?? 0;
    this.windowStart = now();
  }

  /**
   * About how long the waiting tasks will take at the recent completion rate (Infinity when none
   * has completed yet): a task refused now is worth offering again after that long, not sooner.
   */
  drainEstimateMs(): number {
    const elapsed = this.now() - this.windowStart;
    const rate = this.rate > 0 ? this.rate : elapsed > 0 ? (this.finishedInWindow * 1000) / elapsed : 0;
    return rate > 0 ? (this.size() / rate) * 1000 : Infinity;
  }

  private countFinished(): void {
    this.finishedInWindow++;
    const now = this.now();
    const elapsed = now - this.windowStart;
    if (elapsed < 1000) return;
    const current = (this.finishedInWindow * 1000) / elapsed;
    this.rate = this.rate === 0 ? current : (this.rate + current) / 2;
    this.finishedInWindow = 0;
    this.windowStart = now;
  }

  /** Adopts new limits (the endpoint was edited); running tasks are not interrupted. */
  setLimits(limits: QueueLimits): void {
    this.limits = limits;
    this.pump();
  }

  /** Queues a task; false when the queue is full (the caller defers it elsewhere). */
  offer(task: T): boolean {
    if (this.size() >= this.limits.maxWaiting) return false;
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
    if (rate === null) return true;
    const now = performance.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.ceil(((1 - this.tokens) / rate) * 1000));
    return false;
  }

  private pump(): void {
    const { concurrency, share } = this.limits;
    const slots = share ? share(concurrency) : concurrency;
    while (this.running < slots && this.size() > 0 && this.takeToken()) {
      const task = this.waiting[this.head];
      this.waiting[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.running++;
      void this.run(task).finally(() => {
        this.running--;
        this.countFinished();
        this.pump();
      });
    }
  }
}

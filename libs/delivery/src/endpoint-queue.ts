export interface QueueLimits {
  /** Attempts in flight at once (1 for ordered endpoints). */
  concurrency: number;
  /** Tasks waiting; `offer` refuses beyond it. */
  maxWaiting: number;
  /** Attempts started per second, or null for no limit. */
  perSecond: number | null;
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

  constructor(
    private limits: QueueLimits,
    private readonly run: (task: T) => Promise<void>,
  ) {
    this.tokens = limits.perSecond ?? 0;
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
    while (this.running < this.limits.concurrency && this.size() > 0 && this.takeToken()) {
      const task = this.waiting[this.head];
      this.waiting[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.running++;
      void this.run(task).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}

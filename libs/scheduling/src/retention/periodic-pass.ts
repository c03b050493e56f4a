/** What a periodic pass reports: a failed pass (the next one retries), and a completed one. */
export interface PassOutcome<T> {
  failed(error: unknown): void;
  done?(result: T): void;
}

/**
 * Runs a pass at start and then every `intervalMs`, never two at once (a pass still running when
 * the timer fires is not started again); `stop` waits for the pass in progress.
 */
export class PeriodicPass<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(
    private readonly run: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly outcome: PassOutcome<T>,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.pass(), this.intervalMs).unref();
    void this.pass();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<void> {
    if (this.running !== undefined) return;
    this.running = this.run();
    try {
      const result = await this.running;
      this.outcome.done?.(result);
    } catch (error) {
      this.outcome.failed(error);
    } finally {
      this.running = undefined;
    }
  }
}

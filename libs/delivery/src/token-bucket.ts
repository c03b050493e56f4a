import type { Clock } from './clock';

/**
 * A token bucket for a rate limit given at each call (an endpoint's limit may be edited): holds up
 * to one second's worth of tokens. When it is empty, `take` arms one timer that calls `wake` once
 * a token is there.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    initial: number,
    private readonly clock: Clock,
  ) {
    this.tokens = initial;
    this.lastRefill = clock.now();
  }

  /** Takes a token at `perSecond`; false when none is there (and `wake` will be called once one is). */
  take(perSecond: number, wake: () => void): boolean {
    this.refill(perSecond);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.arm(perSecond, wake);
    return false;
  }

  private refill(perSecond: number): void {
    const now = this.clock.now();
    this.tokens = Math.min(perSecond, this.tokens + ((now - this.lastRefill) / 1000) * perSecond);
    this.lastRefill = now;
  }

  /**
   * One timer until a token is there. A timer may fire a little before the clock says its time
   * has passed (the event loop's time is read once per turn), so it looks again and re-arms then:
   * `wake` means a `take` now succeeds.
   */
  private arm(perSecond: number, wake: () => void): void {
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        this.refill(perSecond);
        if (this.tokens >= 1) wake();
        else this.arm(perSecond, wake);
      },
      Math.max(1, Math.ceil(((1 - this.tokens) / perSecond) * 1000)),
    );
  }
}

import { LoopLimit, type LoopLimitSettings, type LoopSample } from '@gateway/platform';

/**
 * The budget's limit settings; `initial` is a slow start: a first fetch of thousands of tasks
 * would otherwise start them all in one turn of the loop, before any delay is seen.
 */
export type BudgetSettings = LoopLimitSettings;

/**
 * How many attempts the whole dispatcher should have in flight, adapted to its own event loop
 * (`LoopLimit`: it shrinks from what is really in flight while the loop is late and busy, and
 * grows while it keeps up). Endpoints share it equally (`share`), each within its own cap, so one
 * endpoint still never waits for another's slots: a hanging endpoint holds only its own share.
 */
export class ConcurrencyBudget {
  private readonly limit: LoopLimit;
  private busyEndpoints = 1;

  constructor(settings: BudgetSettings) {
    this.limit = new LoopLimit(settings);
  }

  /**
   * Feeds one interval of the event loop, the attempts in flight and the endpoints with work.
   * Returns whether the budget grew (waiting tasks may start).
   */
  observe(loop: LoopSample, inFlight: number, busyEndpoints: number): boolean {
    this.busyEndpoints = Math.max(1, busyEndpoints);
    return this.limit.observe(loop, inFlight);
  }

  /**
   * An endpoint got work between two intervals: counted at once, so that the first fetch of a
   * fresh dispatcher does not give its first endpoints the whole budget.
   */
  becameBusy(): void {
    this.busyEndpoints++;
  }

  /** Attempts one endpoint may have in flight: its equal share of the budget, within [1, cap]. */
  share(cap: number): number {
    return Math.max(1, Math.min(cap, Math.ceil(this.limit.value() / this.busyEndpoints)));
  }

  value(): number {
    return this.limit.value();
  }
}

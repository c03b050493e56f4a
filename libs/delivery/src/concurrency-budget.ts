import type { LoopSample } from './loop-delay';

export interface BudgetSettings {
  /** The event loop delay (p99 of one interval, ms) above which the dispatcher is overloaded. */
  targetDelayMs: number;
  /** The budget never falls below this many attempts in flight. */
  floor: number;
  /** Nor rises above this many. */
  ceiling: number;
  /**
   * The budget of a fresh dispatcher (a slow start: a first fetch of thousands of tasks would
   * otherwise start them all in one turn of the loop, before any delay is seen).
   */
  initial: number;
}

/** Event loop utilization from which the dispatcher counts as CPU-bound. */
const SATURATED = 0.9;

/**
 * How many attempts the whole dispatcher should have in flight, adapted to its own event loop:
 * when the loop's delay goes over the target, attempts are only waiting for this process's CPU
 * (each one's time is mostly queueing, by Little's law), so the budget shrinks multiplicatively
 * from what is really in flight; while the loop keeps up it grows again. Endpoints share it
 * equally (`share`), each within its own cap, so one endpoint still never waits for another's
 * slots: a hanging endpoint holds only its own share.
 */
export class ConcurrencyBudget {
  private budget: number;
  private busyEndpoints = 1;

  constructor(private readonly settings: BudgetSettings) {
    this.budget = Math.min(settings.ceiling, Math.max(settings.floor, settings.initial));
  }

  /**
   * Feeds one interval of the event loop (delay p99 in ms, utilization 0-1), the attempts in
   * flight and the endpoints with work. Returns whether the budget grew (waiting tasks may start).
   * It shrinks only when the loop is both late and busy nearly all the time: a late loop with idle
   * time left is not made faster by fewer attempts, only the endpoints slower.
   */
  observe(loop: LoopSample, inFlight: number, busyEndpoints: number): boolean {
    this.busyEndpoints = Math.max(1, busyEndpoints);
    const { targetDelayMs, floor, ceiling } = this.settings;
    const before = this.budget;
    const saturated = loop.utilization >= SATURATED;
    if (saturated && loop.delayMs > 2 * targetDelayMs) this.budget = Math.min(this.budget, inFlight) * 0.5;
    else if (saturated && loop.delayMs > targetDelayMs) this.budget = Math.min(this.budget, inFlight) * 0.8;
    // Grows only when it is what holds attempts back, so an idle dispatcher keeps its last budget.
    else if ((!saturated || loop.delayMs < targetDelayMs / 2) && inFlight >= this.budget * 0.5) this.budget *= 1.2;
    this.budget = Math.round(Math.min(ceiling, Math.max(floor, this.budget)));
    return this.budget > before;
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
    return Math.max(1, Math.min(cap, Math.ceil(this.budget / this.busyEndpoints)));
  }

  value(): number {
    return this.budget;
  }
}

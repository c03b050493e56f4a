import type { LoopSample } from './loop-delay';

export interface LoopLimitSettings {
  /** The event loop delay (p99 of one interval, ms) above which the process is overloaded. */
  targetDelayMs: number;
  /** The limit never falls below this. */
  floor: number;
  /** Nor rises above this. */
  ceiling: number;
  /** The limit of a fresh process. */
  initial: number;
}

/** Event loop utilization from which a process counts as CPU-bound. */
const SATURATED = 0.9;

/** The process was CPU-bound over the interval: work in flight there waits for its event loop. */
export function loopSaturated(loop: LoopSample): boolean {
  return loop.utilization >= SATURATED;
}

/**
 * How much work a process should have in flight, adapted to its own event loop: when the loop's
 * delay goes over the target while it is busy nearly all the time, the work in flight is only
 * waiting for this process's CPU (by Little's law, more of it is only more waiting), so the limit
 * shrinks multiplicatively; while the loop keeps up it grows again. The dispatcher's attempt
 * budget (ADR 0010) and the ingress's admission of requests (ADR 0011) both follow it.
 */
export class LoopLimit {
  private limit: number;

  constructor(private readonly settings: LoopLimitSettings) {
    this.limit = this.bounded(settings.initial);
  }

  /**
   * Feeds one interval of the event loop (delay p99 in ms, utilization 0-1) and what is in use
   * now. Returns whether the limit grew. It shrinks from `min(limit, inUse)`, x0.8, or x0.5 beyond
   * twice the target, only when the loop is both late and busy: a late loop with idle time left is
   * not made faster by less work, only slower for the work refused. It grows x1.2 while the loop
   * keeps up and the limit is what holds work back (at least half of it in use). Without `inUse`
   * the limit is taken as in use: it shrinks from itself and grows whenever the loop keeps up.
   */
  observe(loop: LoopSample, inUse: number = this.limit): boolean {
    const { targetDelayMs } = this.settings;
    const before = this.limit;
    const saturated = loopSaturated(loop);
    if (saturated && loop.delayMs > 2 * targetDelayMs) this.limit = Math.min(this.limit, inUse) * 0.5;
    else if (saturated && loop.delayMs > targetDelayMs) this.limit = Math.min(this.limit, inUse) * 0.8;
    else if ((!saturated || loop.delayMs < targetDelayMs / 2) && inUse >= this.limit * 0.5) this.limit *= 1.2;
    this.limit = this.bounded(this.limit);
    return this.limit > before;
  }

  value(): number {
    return this.limit;
  }

  private bounded(value: number): number {
    return Math.round(Math.min(this.settings.ceiling, Math.max(this.settings.floor, value)));
  }
}

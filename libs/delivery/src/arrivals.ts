import { metrics } from '@gateway/observability';
import type { Clock } from './clock';

/**
 * When each held task arrived in the dispatcher, so that the wait before its attempt is measured
 * apart from the attempt: `gateway_delivery_queue_seconds`, while the attempt's duration is the
 * destination call alone (issue 23: under a backlog, a wait counted as attempt time made healthy
 * endpoints look slow).
 */
export class Arrivals<T extends object> {
  private readonly at = new WeakMap<T, number>();

  constructor(private readonly clock: Clock) {}

  arrived(task: T): void {
    this.at.set(task, this.clock.now());
  }

  /** The task's first attempt starts now: observes its wait once (an ordered retry in place is no new arrival). */
  starting(task: T): void {
    const at = this.at.get(task);
    if (at === undefined) return;
    this.at.delete(task);
    metrics.deliveryQueue.observe(Math.max(0, this.clock.now() - at) / 1000);
  }
}

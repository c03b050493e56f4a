import { metrics, type Logger } from '@gateway/observability';
import type { EndpointTargetRow } from '@gateway/persistence';
import { loopSaturated, type LoopSample } from '@gateway/platform';
import type { ConcurrencyBudget } from './concurrency-budget';
import type { DispatcherPorts } from './dispatcher-ports';
import type { EndpointHealth } from './endpoint-health';
import { EndpointQueue, type QueueLimits } from './endpoint-queue';
import { InFlightGate } from './in-flight-gate';
import type { Job } from './outcome';
import { PartitionHolds } from './partition-holds';

export interface BacklogSettings {
  concurrencyPerEndpoint: number;
  queuePerEndpoint: number;
  maxInFlight: number;
  /**
   * A healthy endpoint whose full queue drains within this long pauses its partition instead of
   * deferring its excess to the retry scheduler (ADR 0014). Absent or 0: always defer.
   */
  holdDrainMaxMs?: number;
  /** Attempts in flight adapt to the event loop's delay (`adapt`); absent: every endpoint its full cap. */
  budget?: ConcurrencyBudget;
  /**
   * Each unordered endpoint's attempts in flight follow its own answer times while the event loop
   * is saturated (`LatencyLimit`, fed by `adapt`).
   */
  latencyLimit?: boolean;
}

/** Where a task went: into its endpoint's queue, or to be deferred (its queue is full). */
export type Placement = { kind: 'queued' } | { kind: 'defer'; drainEstimateMs: number };

/**
 * Tasks a held endpoint's queue takes over its bound: the rest of a fetch already under way when
 * its partition paused (1 MB a partition, so about 1,000 tasks of 1 KB). Beyond it (a pause that
 * did not take), the excess is deferred after all.
 */
const HELD_OVERSHOOT = 5000;

/**
 * Event loop delay (p99 of an interval, ms) above which a busy loop counts as saturated for the
 * latency limits: a loop that is busy nearly all the time but answers within it is often only
 * descheduled by other processes (utilization counts that time as busy), and its attempts do not
 * wait for it.
 */
const LATE_LOOP_MS = 10;

/**
 * The tasks held in memory, and their bounds: each endpoint's own queue (its concurrency cap, size
 * and rate limit), the in-flight gate that makes the consumer wait (backpressure), and the
 * partition holds that keep a full backlog's excess in Kafka.
 */
export class Backlog {
  private readonly queues = new Map<string, EndpointQueue<Job>>();
  readonly gate: InFlightGate<Job>;
  private readonly holds: PartitionHolds;
  /** The last interval of the event loop was CPU-bound and late (`adapt`). */
  private saturated = false;

  constructor(
    private readonly settings: BacklogSettings,
    ports: Pick<DispatcherPorts, 'pausePartition' | 'resumePartition'>,
    private readonly health: EndpointHealth,
    logger: Logger,
    /** Runs a task in its endpoint's slot; resolves false when no attempt was made. */
    private readonly run: (job: Job) => Promise<boolean>,
  ) {
    this.gate = new InFlightGate(settings.maxInFlight);
    this.holds = new PartitionHolds(ports, logger);
  }

  /** Queues the task, pausing its partition if its endpoint's backlog is full and keeps up. */
  place(endpoint: EndpointTargetRow, job: Job): Placement {
    const queue = this.queueFor(endpoint);
    if (endpoint.ordered) {
      queue.offer(job);
      this.gate.markOrdered(job);
      // Bounded per endpoint, and all ordered backlogs together by DELIVERY_MAX_IN_FLIGHT.
      const { queuePerEndpoint, maxInFlight } = this.settings;
      if (queue.size() >= queuePerEndpoint || this.gate.orderedCount() >= maxInFlight)
        this.holds.hold(job.partition, endpoint.id, true);
      return { kind: 'queued' };
    }
    if (queue.offer(job)) return { kind: 'queued' };
    // Once held, the rest of what was fetched before the pause stays too; the decision is not re-made per task.
    const held = this.holds.isHeld(job.partition, endpoint.id);
    // Within the in-flight gate too, so one held endpoint does not stop every partition.
    const room = Math.min(this.settings.queuePerEndpoint + HELD_OVERSHOOT, this.settings.maxInFlight);
    if ((held || this.keepsUp(endpoint.id, queue)) && queue.offer(job, room)) {
      this.holds.hold(job.partition, endpoint.id, false);
      return { kind: 'queued' };
    }
    return { kind: 'defer', drainEstimateMs: queue.drainEstimateMs() };
  }

  /** A task is settled: frees its place in the gate and lets go of the holds that drained. */
  leave(job: Job): void {
    this.gate.leave(job);
    if (this.holds.any()) this.releaseDrained();
  }

  /** The consumer rejoined its group and resumed every partition: the holds start from nothing. */
  rejoined(): void {
    this.holds.forget();
  }

  /**
   * One interval of the event loop: the latency limits learn whether it was saturated, the shared
   * budget adapts to it and to the attempts in flight, and queues start what a grown budget allows.
   */
  adapt(loop: LoopSample): void {
    this.saturated = loopSaturated(loop) && loop.delayMs > LATE_LOOP_MS;
    const budget = this.settings.budget;
    if (!budget) return;
    let attempting = 0;
    let busy = 0;
    for (const queue of this.queues.values()) {
      attempting += queue.active();
      if (!queue.idle()) busy++;
    }
    const grew = budget.observe(loop, attempting, busy);
    metrics.dispatchBudget.set(budget.value());
    if (grew) for (const queue of this.queues.values()) queue.resume();
  }

  private queueFor(endpoint: EndpointTargetRow): EndpointQueue<Job> {
    const budget = this.settings.budget;
    const limits: QueueLimits = {
      concurrency: endpoint.ordered ? 1 : this.settings.concurrencyPerEndpoint,
      maxWaiting: endpoint.ordered ? Number.MAX_SAFE_INTEGER : this.settings.queuePerEndpoint,
      perSecond: endpoint.rateLimit?.perSecond ?? null,
      share: budget && !endpoint.ordered ? (cap) => budget.share(cap) : undefined,
      saturated: this.settings.latencyLimit && !endpoint.ordered ? () => this.saturated : undefined,
    };
    let queue = this.queues.get(endpoint.id);
    if (!queue) {
      queue = new EndpointQueue<Job>(limits, this.run);
      this.queues.set(endpoint.id, queue);
    } else {
      queue.setLimits(limits);
    }
    if (queue.idle()) budget?.becameBusy();
    return queue;
  }

  /**
   * The endpoint answers (circuit closed, last attempt a success) and its full queue drains within
   * the limit at its recent pace: it keeps up, and what is behind is the dispatcher. Its excess
   * then waits in Kafka (a paused partition) rather than taking a round trip through the retry
   * scheduler, which under saturation added more work than it saved (ADR 0014).
   */
  private keepsUp(endpointId: string, queue: EndpointQueue<Job>): boolean {
    const limitMs = this.settings.holdDrainMaxMs ?? 0;
    return (
      limitMs > 0 &&
      this.health.healthy(endpointId) &&
      queue.drainEstimateMs(this.settings.queuePerEndpoint) <= limitMs
    );
  }

  /**
   * Resumes the partitions whose holding backlogs are down to half (checked as tasks finish). A
   * healthy endpoint that no longer keeps up (it failed, or slowed down) lets go at once: what it
   * holds drains, and its further excess is deferred.
   */
  private releaseDrained(): void {
    const orderedFull = this.gate.orderedCount() > this.settings.maxInFlight / 2;
    this.holds.release((endpointId, ordered) => {
      if (ordered && orderedFull) return false;
      const queue = this.queues.get(endpointId);
      const drained = !queue || queue.size() <= this.settings.queuePerEndpoint / 2;
      return drained || (!ordered && !this.keepsUp(endpointId, queue));
    });
  }
}

import { failureKind } from '@gateway/kafka';
import { metrics, type Logger } from '@gateway/observability';
import type { EndpointTargetRow } from '@gateway/persistence';
import type { LoopSample } from '@gateway/platform';
import type { RetryTask } from '@gateway/schemas';
import { Arrivals } from './arrivals';
import { callAttempt, completeAttempt, prepareAttempt } from './attempt';
import { Backlog, type BacklogSettings } from './backlog';
import { systemClock, type Clock } from './clock';
import { CopyGuard } from './copy-guard';
import { admissionRetry, queueFullRetry } from './deferrals';
import type { DispatcherPorts } from './dispatcher-ports';
import { DurableWrites } from './durable-writes';
import { EndpointHealth, type HealthSettings } from './endpoint-health';
import type { FailingEndpoint } from './failing-endpoints';
import { FollowUp } from './follow-up';
import type { DispatchOutcome, Finishing, Job } from './outcome';
import { TurnPacer } from './turn-pacer';

export type { DispatcherPorts } from './dispatcher-ports';
export type { DispatchOutcome } from './outcome';

export type DispatcherSettings = BacklogSettings & HealthSettings;

/** What the dispatcher reads besides its ports: time and chance come from outside, for the specs. */
export interface DispatcherContext {
  logger: Logger;
  clock?: Clock;
  random?: () => number;
}

/** Circuit-open hand-offs to the retry topic started per turn of the event loop. */
const HAND_OFFS_PER_TURN = 50;

/**
 * Hands each delivery task to its endpoint's own queue and returns at once, so deliveries to
 * different endpoints never wait on each other. A task is completed (its offset committable) only
 * after its attempt is recorded and any follow-up (retry, dead letter) is acknowledged by Kafka.
 * The parts: Backlog (queues, gate, partition holds), CopyGuard, EndpointHealth, FollowUp.
 */
export class Dispatcher {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly writes: DurableWrites;
  private readonly health: EndpointHealth;
  private readonly backlog: Backlog;
  private readonly copies: CopyGuard;
  private readonly followUp: FollowUp;
  private readonly arrivals: Arrivals<Job>;
  /**
   * When a circuit opens, its endpoint's whole queue (up to `queuePerEndpoint` tasks) is handed to
   * the retry topic: paced, so other endpoints' I/O gets in between instead of waiting behind it.
   */
  private readonly handOffs = new TurnPacer(HAND_OFFS_PER_TURN);
  private stopping = false;

  constructor(
    private readonly ports: DispatcherPorts,
    settings: DispatcherSettings,
    context: DispatcherContext,
  ) {
    this.logger = context.logger;
    this.clock = context.clock ?? systemClock;
    this.random = context.random ?? Math.random;
    this.writes = new DurableWrites(this.logger, () => this.stopping);
    this.health = new EndpointHealth(ports, settings, this.writes, this.clock);
    this.backlog = new Backlog(settings, ports, this.health, this.logger, (job) => this.start(job));
    this.copies = new CopyGuard(ports, this.writes, this.clock);
    this.followUp = new FollowUp(ports, this.health, this.writes, this.clock, this.logger);
    this.arrivals = new Arrivals(this.clock);
  }

  /** Places a batch in the endpoint queues; resolves when there is room for more (backpressure). */
  async accept(jobs: Job[]): Promise<void> {
    const gate = this.backlog.gate;
    for (const job of jobs) {
      gate.enter();
      this.arrivals.arrived(job);
      try {
        this.place(job);
      } catch (error) {
        void this.settle(job, Promise.reject(error instanceof Error ? error : new Error(String(error))));
      }
    }
    while (gate.closed() && !this.stopping) await gate.opened();
  }

  inFlightCount(): number {
    return this.backlog.gate.count();
  }

  /** One interval of the event loop, for the opt-in concurrency budget (ADR 0010). */
  adapt(loop: LoopSample): void {
    this.backlog.adapt(loop);
  }

  /** Waits for the work in hand, up to `timeoutMs`; what is left stays uncommitted and is re-sent. */
  async drain(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.backlog.gate.wake();
    const deadline = this.clock.now() + timeoutMs;
    while (this.backlog.gate.count() > 0 && this.clock.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /**
   * The consumer joined its group again and resumed every paused partition: the holds start from
   * nothing (a backlog still over its limit pauses its partition again with its next task), and
   * tasks produced before now may be re-reads.
   */
  rejoined(): void {
    this.copies.rejoined();
    this.backlog.rejoined();
  }

  failingEndpoints(): FailingEndpoint[] {
    return this.health.failing();
  }

  /** Rebuilds the circuit and failing-endpoint series; run when scraped. */
  publishEndpointSeries(): void {
    this.health.publish();
  }

  private place(job: Job): void {
    const endpoint = this.ports.endpoint(job.value.endpointId);
    if (endpoint) return this.enqueue(endpoint, job);
    // The router saw this endpoint, so the view may just be behind: catch up once before giving up.
    void this.ports.catchUpEndpoints().then(
      () => {
        const fresh = this.ports.endpoint(job.value.endpointId);
        if (fresh) this.enqueue(fresh, job);
        else void this.settle(job, this.cancel(job, 'endpoint no longer exists'));
      },
      (error: unknown) => {
        this.logger.warn({ err: error }, 'endpoint reload failed');
        setTimeout(() => this.place(job), 500);
      },
    );
  }

  private enqueue(endpoint: EndpointTargetRow, job: Job): void {
    const placement = this.backlog.place(endpoint, job);
    if (placement.kind === 'defer')
      void this.settle(
        job,
        this.defer(job, queueFullRetry(job.value, placement.drainEstimateMs, this.clock.now(), this.random)),
      );
  }

  /**
   * Counts the outcome and completes the task. A failure about the task itself (a data error, an
   * exception: `failureKind` 'message') sends it to the invalid topic, so it cannot hold its
   * partition; any other (shutdown) leaves it uncommitted, to be re-sent.
   */
  private async settle(job: Job, work: Promise<DispatchOutcome>): Promise<void> {
    try {
      const outcome = await work;
      metrics.deliveries.inc({ outcome });
      job.complete();
    } catch (error) {
      const unfinished = (err: unknown) =>
        this.logger.error(
          { err, deliveryId: job.value.deliveryId },
          'delivery left unfinished; it is re-sent after a restart',
        );
      if (!this.stopping && failureKind(error) === 'message')
        await this.writes.write(() => job.reject(error)).catch(unfinished);
      else unfinished(error);
    } finally {
      this.backlog.leave(job);
    }
  }

  private async cancel(job: Job, reason: string): Promise<DispatchOutcome> {
    this.logger.info(
      { deliveryId: job.value.deliveryId, endpointId: job.value.endpointId, reason },
      'delivery cancelled',
    );
    await this.writes.write(() => this.ports.cancel(job.value.deliveryId));
    return 'cancelled';
  }

  /** The task waits in the retry scheduler without an attempt (its circuit is open, or its queue full). */
  private async defer(job: Job, retry: RetryTask): Promise<DispatchOutcome> {
    await this.writes.write(() => this.ports.scheduleRetry(retry, job.traceparent));
    return 'deferred';
  }

  /**
   * Runs a task in its endpoint's slot. The slot is freed as soon as the attempt has an answer; the
   * durable follow-up (attempt record, retry hand-off) finishes outside it and completes the task.
   */
  private async start(job: Job): Promise<boolean> {
    let done: Promise<DispatchOutcome>;
    let attempted = false;
    try {
      const finishing = await this.copies.run(job, () => this.attemptUntilSettled(job));
      done = finishing.done;
      attempted = finishing.attempted === true;
    } catch (error) {
      done = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    void this.settle(job, done);
    return attempted;
  }

  /** Attempts the task; an ordered endpoint retries its head here, in place, until it is settled. */
  private async attemptUntilSettled(job: Job): Promise<Finishing> {
    let task = job.value;
    for (;;) {
      const endpoint = this.ports.endpoint(task.endpointId);
      if (!endpoint) return { done: this.cancel(job, 'endpoint no longer exists') };
      if (!this.health.enabled(endpoint)) return { done: this.cancel(job, 'endpoint disabled') };
      const now = this.clock.now();
      const admission = this.health.admit(endpoint);
      if (admission.kind === 'hold') {
        await this.holdUntil(admission.until);
        continue;
      }
      if (admission.kind === 'defer') {
        await this.handOffs.next();
        return { done: this.defer(job, admissionRetry(task, admission, now, this.random)) };
      }
      const preparation = prepareAttempt({ task, endpoint, traceparent: job.traceparent, now });
      if (preparation.kind === 'cancel') return { done: this.cancel(job, preparation.reason) };
      this.arrivals.starting(job);
      const called = await callAttempt(preparation.attempt, this.ports, this.clock);
      const completed = completeAttempt(called, this.clock.now(), this.random);
      const { step } = completed;
      if (step.kind === 'delivered') await this.health.succeeded(endpoint);
      else await this.health.failed(endpoint);
      if (step.kind !== 'retry' || !endpoint.ordered)
        return { done: this.followUp.apply(completed), attempted: true };
      // An ordered endpoint retries its head in place: later tasks for it wait, nobody else does.
      await this.followUp.retryInPlace(completed, step.dueAt);
      await this.holdUntil(step.dueAt);
      task = { ...task, attempt: task.attempt + 1 };
    }
  }

  private async holdUntil(at: number): Promise<void> {
    while (!this.stopping && this.clock.now() < at)
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, at - this.clock.now())));
    if (this.stopping) throw new Error('stopping: an ordered head left for the next start');
  }
}

import { failureKind, type TrackedMessage } from '@gateway/kafka';
import { metrics, SpanKind, startHopSpan, type Logger } from '@gateway/observability';
import type { AttemptRow, EndpointTargetRow } from '@gateway/persistence';
import type { LoopSample } from '@gateway/platform';
import { decideNextStep, type NextStep } from '@gateway/retry';
import type { DeadLetter, DeliveryTask, RetryTask } from '@gateway/schemas';
import { CircuitBreaker, type BreakerSettings } from './circuit-breaker';
import type { ConcurrencyBudget } from './concurrency-budget';
import { EndpointQueue, type QueueLimits } from './endpoint-queue';
import { publishFailingEndpoints, type FailingEndpoint } from './failing-endpoints';
import type { SendResult } from './http-sender';
import { buildBody, buildHeaders } from './outbound-request';
import { TurnPacer } from './turn-pacer';

/** The I/O a dispatch needs; each is a boundary the tests cross with real servers. */
export interface DispatcherPorts {
  endpoint(id: string): EndpointTargetRow | undefined;
  /** Resolves once the endpoints hold every change committed before the call. */
  catchUpEndpoints(): Promise<void>;
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  record(row: AttemptRow): Promise<void>;
  cancel(deliveryId: string): Promise<void>;
  scheduleRetry(retry: RetryTask, traceparent: string | undefined): Promise<void>;
  deadLetter(letter: DeadLetter, traceparent: string | undefined): Promise<void>;
  disableEndpoint(endpointId: string, reason: string): Promise<void>;
  /** When this attempt of the delivery was already recorded: the delivery's status now; else undefined. */
  recordedAttempt(deliveryId: string, attempt: number): Promise<string | undefined>;
  setFailing(endpointId: string, failing: boolean): Promise<void>;
  /** Publishes an operational event (endpoint.disabled, endpoint.recovered, delivery.exhausted) to the events topic. */
  emitOperational(type: OperationalEventType, data: Record<string, string | number | null>): Promise<void>;
  /**
   * Stops fetching one partition of the deliveries topic, and starts it again: an ordered
   * endpoint's backlog is full, and its tasks cannot go to the retry topic without losing their
   * order. Called again while the backlog stays full (idempotent). Absent: never paused.
   */
  pausePartition?(partition: number): void;
  resumePartition?(partition: number): void;
}

export type OperationalEventType = 'endpoint.disabled' | 'endpoint.recovered' | 'delivery.exhausted';
const operationalTypes = new Set<string>(['endpoint.disabled', 'endpoint.recovered', 'delivery.exhausted']);

export interface DispatcherSettings {
  concurrencyPerEndpoint: number;
  queuePerEndpoint: number;
  maxInFlight: number;
  /**
   * A healthy endpoint whose full queue drains within this long pauses its partition instead of
   * deferring its excess to the retry scheduler (ADR 0014). Absent or 0: always defer.
   */
  holdDrainMaxMs?: number;
  userAgent: string;
  breaker: BreakerSettings;
  disableAfterMs: number;
  /** Failing endpoints given series of their own (endpoint_id label); the rest are only counted. */
  endpointSeriesMax: number;
  /** Attempts in flight adapt to the event loop's delay (`adapt`); absent: every endpoint its full cap. */
  budget?: ConcurrencyBudget;
}

/** What happened to a delivery task; also the `outcome` label of `gateway_deliveries_total`. */
export type DispatchOutcome = 'delivered' | 'retry-scheduled' | 'dead-lettered' | 'skipped';

type Job = TrackedMessage<DeliveryTask>;

/** A task whose attempt is over; `done` settles when its durable follow-up has. */
interface Finishing {
  done: Promise<DispatchOutcome>;
  /** An HTTP attempt was made (not a skip or a hand-off): its time counts toward the drain estimate. */
  attempted?: boolean;
}

/** Circuit-open hand-offs to the retry topic started per turn of the event loop. */
const HAND_OFFS_PER_TURN = 50;

/**
 * Tasks a held endpoint's queue takes over its bound: the rest of a fetch already under way when
 * its partition paused (1 MB a partition, so about 1,000 tasks of 1 KB). Beyond it (a pause that
 * did not take), the excess is deferred after all.
 */
const HELD_OVERSHOOT = 5000;

/**
 * A first attempt produced this long before the consumer joined its group is looked up before it
 * is sent (it may be a re-read). Newer ones cannot have been attempted by an earlier generation;
 * the margin absorbs clock skew between the router's and this process's clocks (skew only moves
 * which tasks pay a lookup, never whether one is sent).
 */
const REREAD_SLACK_MS = 1000;

const finished = (outcome: DispatchOutcome): Finishing => ({ done: Promise.resolve(outcome) });

/**
 * Hands each delivery task to its endpoint's own queue and returns at once, so deliveries to
 * different endpoints never wait on each other. A task is completed (its offset committable) only
 * after its attempt is recorded and any follow-up (retry, dead letter) is acknowledged by Kafka.
 */
export class Dispatcher {
  private readonly queues = new Map<string, EndpointQueue<Job>>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  /**
   * Attempts under way, by delivery and attempt number: each one's durable follow-up. A second copy
   * of the same task (Kafka re-sends uncommitted tasks after a rebalance) completes only after it.
   */
  private readonly attempting = new Map<string, Promise<DispatchOutcome>>();
  private inFlight = 0;
  /**
   * Tasks of ordered endpoints, counted apart from the `maxInFlight` gate: a failing ordered head
   * holds its endpoint's later tasks, and counted with the rest they stopped every endpoint once
   * enough had gathered. Each ordered endpoint is bounded instead by pausing its partition.
   */
  private ordered = 0;
  private readonly orderedJobs = new WeakSet<Job>();
  /** Paused partitions, with the endpoints whose full backlog holds each (true: an ordered one). */
  private readonly holds = new Map<number, Map<string, boolean>>();
  /** When the consumer last joined its group: a first attempt produced before it may be a re-read. */
  private joinedAt = 0;
  private waiters: (() => void)[] = [];
  private stopping = false;
  /**
   * When a circuit opens, its endpoint's whole queue (up to `queuePerEndpoint` tasks) is handed to
   * the retry topic. Done in one go, that is one long stretch of encoding and producing that every
   * other endpoint's deliveries wait behind; paced, their I/O gets in between.
   */
  private readonly handOffs = new TurnPacer(HAND_OFFS_PER_TURN);

  constructor(
    private readonly ports: DispatcherPorts,
    private readonly settings: DispatcherSettings,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  /** Places a batch in the endpoint queues; resolves when there is room for more (backpressure). */
  async accept(jobs: Job[]): Promise<void> {
    for (const job of jobs) {
      this.inFlight++;
      try {
        this.place(job);
      } catch (error) {
        void this.settle(job, Promise.reject(error instanceof Error ? error : new Error(String(error))));
      }
    }
    while (this.gateClosed() && !this.stopping) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private gateClosed(): boolean {
    return this.inFlight - this.ordered >= this.settings.maxInFlight;
  }

  inFlightCount(): number {
    return this.inFlight;
  }

  /**
   * One interval of the event loop: the shared budget adapts to it and to the attempts in flight,
   * and queues start what a grown budget allows.
   */
  adapt(loop: LoopSample): void {
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

  /** Waits for the work in hand, up to `timeoutMs`; what is left stays uncommitted and is re-sent. */
  async drain(timeoutMs: number): Promise<void> {
    this.stopping = true;
    for (const wake of this.waiters.splice(0)) wake();
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private place(job: Job): void {
    const endpoint = this.ports.endpoint(job.value.endpointId);
    if (endpoint) return this.enqueue(endpoint, job);
    // The router saw this endpoint, so the view may just be behind: catch up once before giving up.
    void this.ports.catchUpEndpoints().then(
      () => {
        const fresh = this.ports.endpoint(job.value.endpointId);
        if (fresh) this.enqueue(fresh, job);
        else void this.settle(job, this.skip(job, 'endpoint no longer exists'));
      },
      (error: unknown) => {
        this.logger.warn({ err: error }, 'endpoint reload failed');
        setTimeout(() => this.place(job), 500);
      },
    );
  }

  private enqueue(endpoint: EndpointTargetRow, job: Job): void {
    const budget = this.settings.budget;
    const limits: QueueLimits = {
      concurrency: endpoint.ordered ? 1 : this.settings.concurrencyPerEndpoint,
      maxWaiting: endpoint.ordered ? Number.MAX_SAFE_INTEGER : this.settings.queuePerEndpoint,
      perSecond: endpoint.rateLimit?.perSecond ?? null,
      share: budget && !endpoint.ordered ? (cap) => budget.share(cap) : undefined,
    };
    let queue = this.queues.get(endpoint.id);
    if (!queue) {
      queue = new EndpointQueue<Job>(limits, (next) => this.start(next));
      this.queues.set(endpoint.id, queue);
    } else {
      queue.setLimits(limits);
    }
    if (queue.idle()) budget?.becameBusy();
    if (endpoint.ordered) return this.enqueueOrdered(endpoint, queue, job);
    if (queue.offer(job)) return;
    // Once held, the rest of what was fetched before the pause stays too; the decision is not re-made per task.
    const held = this.holds.get(job.partition)?.has(endpoint.id) === true;
    // Within the in-flight gate too, so one held endpoint does not stop every partition.
    const room = Math.min(this.settings.queuePerEndpoint + HELD_OVERSHOOT, this.settings.maxInFlight);
    if ((held || this.keepsUp(endpoint.id, queue)) && queue.offer(job, room))
      return this.hold(job.partition, endpoint.id, false);
    void this.settle(job, this.defer(job, queue.drainEstimateMs()));
  }

  private enqueueOrdered(endpoint: EndpointTargetRow, queue: EndpointQueue<Job>, job: Job): void {
    queue.offer(job);
    this.orderedJobs.add(job);
    this.ordered++;
    // Bounded per endpoint, and all ordered backlogs together by DELIVERY_MAX_IN_FLIGHT.
    if (queue.size() >= this.settings.queuePerEndpoint || this.ordered >= this.settings.maxInFlight)
      this.hold(job.partition, endpoint.id, true);
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
      this.breakerFor(endpointId).healthy() &&
      queue.drainEstimateMs(this.settings.queuePerEndpoint) <= limitMs
    );
  }

  /**
   * An endpoint's backlog is full (an ordered one's, or all ordered ones together, or a healthy
   * one's that drains soon): its partition stops fetching until half of it is gone. A pause lost to
   * a consumer restart is made again by the next task over the limit.
   */
  private hold(partition: number, endpointId: string, ordered: boolean): void {
    let holders = this.holds.get(partition);
    if (!holders) {
      holders = new Map();
      this.holds.set(partition, holders);
    }
    if (!holders.has(endpointId)) {
      metrics.dispatchPartitionPauses.inc({ reason: ordered ? 'ordered' : 'draining' });
      const fields = { endpointId, partition };
      if (ordered)
        this.logger.warn(
          fields,
          'ordered endpoint backlog full; its partition is paused until half of it is delivered (endpoints sharing the partition wait)',
        );
      else
        this.logger.info(
          fields,
          'endpoint queue full and draining; its partition is paused until half of it is delivered (endpoints sharing the partition wait)',
        );
    }
    holders.set(endpointId, ordered);
    metrics.dispatchPausedPartitions.set(this.holds.size);
    this.partitionPort(() => this.ports.pausePartition?.(partition), partition, 'pause');
  }

  /**
   * The consumer joined its group again and resumed every paused partition: the holds (and the
   * paused-partitions gauge) start from nothing, and a backlog still over its limit pauses its
   * partition again with its next task.
   */
  rejoined(): void {
    this.joinedAt = Date.now();
    if (this.holds.size === 0) return;
    this.logger.info(
      { partitions: [...this.holds.keys()] },
      'consumer rejoined its group; held partitions fetch again until a backlog over its limit pauses them',
    );
    this.holds.clear();
    metrics.dispatchPausedPartitions.set(0);
  }

  /**
   * Resumes the partitions whose holding backlogs are down to half (checked as tasks finish). A
   * healthy endpoint that no longer keeps up (it failed, or slowed down) lets go at once: what it
   * holds drains, and its further excess is deferred.
   */
  private releaseDrained(): void {
    const orderedFull = this.ordered > this.settings.maxInFlight / 2;
    for (const [partition, holders] of this.holds) {
      for (const [endpointId, ordered] of holders) {
        if (ordered && orderedFull) continue;
        const queue = this.queues.get(endpointId);
        const drained = !queue || queue.size() <= this.settings.queuePerEndpoint / 2;
        if (drained || (!ordered && !this.keepsUp(endpointId, queue))) holders.delete(endpointId);
      }
      if (holders.size > 0) continue;
      this.holds.delete(partition);
      metrics.dispatchPausedPartitions.set(this.holds.size);
      this.logger.info({ partition }, 'backlog halved; the partition fetches again');
      this.partitionPort(() => this.ports.resumePartition?.(partition), partition, 'resume');
    }
  }

  /** KafkaJS refuses pause and resume while its consumer is stopped or restarting: logged, never thrown. */
  private partitionPort(call: () => void, partition: number, what: string): void {
    try {
      call();
    } catch (error) {
      this.logger.warn(
        { err: error, partition },
        `partition ${what} refused; the next task over the limit retries it`,
      );
    }
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
      if (!this.stopping && failureKind(error) === 'message') {
        await this.persist(() => job.reject(error)).catch((failure: unknown) =>
          this.logger.error(
            { err: failure, deliveryId: job.value.deliveryId },
            'delivery left unfinished; it is re-sent after a restart',
          ),
        );
      } else {
        this.logger.error(
          { err: error, deliveryId: job.value.deliveryId },
          'delivery left unfinished; it is re-sent after a restart',
        );
      }
    } finally {
      this.inFlight--;
      const ordered = this.orderedJobs.delete(job);
      if (ordered) this.ordered--;
      if (!this.gateClosed()) for (const wake of this.waiters.splice(0)) wake();
      if (this.holds.size > 0) this.releaseDrained();
    }
  }

  private async skip(job: Job, reason: string): Promise<DispatchOutcome> {
    this.logger.info(
      { deliveryId: job.value.deliveryId, endpointId: job.value.endpointId, reason },
      'delivery cancelled',
    );
    await this.persist(() => this.ports.cancel(job.value.deliveryId));
    return 'skipped';
  }

  /**
   * The endpoint's queue is full: the task waits in the retry scheduler instead of in memory, for
   * about as long as the queue needs to drain (1 s to 5 min, jittered), so an endpoint that gets more
   * than it can take does not bounce the excess through the scheduler every second.
   */
  private async defer(job: Job, drainEstimateMs: number): Promise<DispatchOutcome> {
    const delayMs = Math.min(300_000, Math.max(1000, drainEstimateMs)) * (0.8 + 0.4 * this.random());
    const retry: RetryTask = {
      task: job.value,
      dueAt: Date.now() + Math.round(delayMs),
      lastError: 'endpoint queue full',
      lastStatusCode: null,
    };
    await this.persist(() => this.ports.scheduleRetry(retry, job.traceparent));
    return 'retry-scheduled';
  }

  /**
   * Runs a task in its endpoint's slot. The slot is freed as soon as the attempt has an answer; the
   * durable follow-up (attempt record, retry hand-off) finishes outside it and completes the task.
   */
  private async start(job: Job): Promise<boolean> {
    let done: Promise<DispatchOutcome>;
    let attempted = false;
    try {
      const finishing = await this.deliver(job);
      done = finishing.done;
      attempted = finishing.attempted === true;
    } catch (error) {
      done = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    void this.settle(job, done);
    return attempted;
  }

  private deliver(job: Job): Promise<Finishing> {
    const key = `${job.value.deliveryId}\u0000${job.value.attempt}`;
    // A copy of a task under way is skipped, but completes only once the original's follow-up is
    // durable (and never if that fails): completing it at once let its offset be committed past
    // the original while it was still in flight, so a crash then lost the original's retry.
    const original = this.attempting.get(key);
    if (original) return Promise.resolve({ done: original.then(() => 'skipped' as const) });
    const finishing = this.attemptOnce(job);
    // Registered in this turn, before the attempt lookup, so two copies arriving together are not both sent.
    const followUp = finishing.then((result) => result.done);
    this.attempting.set(key, followUp);
    const forget = () => void this.attempting.delete(key);
    followUp.then(forget, forget);
    return finishing;
  }

  /**
   * One task's attempts, unless an earlier run of the dispatcher already made this one. A task may
   * be such a copy when it is a retry (the scheduler may send one twice) or was produced before the
   * consumer joined (Kafka re-sends what was not committed, after a restart or a rebalance).
   */
  private async attemptOnce(job: Job): Promise<Finishing> {
    const { deliveryId, attempt, endpointId } = job.value;
    const mayBeCopy = attempt > 1 || job.timestamp < this.joinedAt - REREAD_SLACK_MS;
    if (
      mayBeCopy &&
      this.madeBefore(
        endpointId,
        await this.persistRead(() => this.ports.recordedAttempt(deliveryId, attempt)),
      )
    )
      return finished('skipped');
    return this.attemptUntilSettled(job);
  }

  /**
   * Whether a recorded attempt (`status`: its delivery's status now) needs nothing more from this
   * task. An unordered endpoint's follow-up (retry hand-off, dead letter) is durable before the
   * attempt is recorded, so the record is enough. An ordered endpoint retries in place, in memory:
   * unless its delivery is finished for good, that retry was lost with the process.
   */
  private madeBefore(endpointId: string, status: string | undefined): boolean {
    if (status === undefined) return false;
    return !this.ports.endpoint(endpointId)?.ordered || status === 'delivered' || status === 'dead';
  }

  private breakerFor(endpointId: string): CircuitBreaker {
    let breaker = this.breakers.get(endpointId);
    if (!breaker) {
      breaker = new CircuitBreaker(this.settings.breaker);
      this.breakers.set(endpointId, breaker);
    }
    return breaker;
  }

  private async attemptUntilSettled(job: Job): Promise<Finishing> {
    let task = job.value;
    for (;;) {
      const endpoint = this.ports.endpoint(task.endpointId);
      if (!endpoint) return { done: this.skip(job, 'endpoint no longer exists') };
      if (!endpoint.enabled) return { done: this.skip(job, 'endpoint disabled') };
      const now = Date.now();
      // Ordered endpoints hold their own head instead: deferring it would break their order.
      const breaker = endpoint.ordered ? undefined : this.breakerFor(endpoint.id);
      const stateBefore = breaker?.state;
      const admission = breaker?.admit(now);
      // The open period ended: this attempt is the half-open probe.
      if (breaker && breaker.state !== stateBefore) metrics.circuitTransitions.inc({ to: breaker.state });
      if (admission?.kind === 'defer') {
        await this.handOffs.next();
        // Spread over a fifth of the wait, so the endpoint's backlog does not all come due at once.
        const dueAt =
          admission.until + Math.round(0.2 * Math.max(1000, admission.until - now) * this.random());
        const retry: RetryTask = { task, dueAt, lastError: 'circuit open', lastStatusCode: null };
        return {
          done: this.persist(() => this.ports.scheduleRetry(retry, job.traceparent)).then(
            () => 'retry-scheduled' as const,
          ),
        };
      }
      const secrets = endpoint.secrets
        .filter((secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > now)
        .map((secret) => secret.key);
      if (secrets.length === 0) return { done: this.skip(job, 'endpoint has no signing secret') };

      // prepare
      const span = startHopSpan(
        'deliver',
        job.traceparent,
        {
          'gateway.event.id': task.event.id,
          'gateway.endpoint.id': task.endpointId,
          'gateway.delivery.id': task.deliveryId,
          'gateway.attempt': task.attempt,
        },
        SpanKind.CLIENT,
      );
      const body = buildBody(task);
      const headers = buildHeaders({
        task,
        body,
        secrets,
        customHeaders: endpoint.headers,
        userAgent: this.settings.userAgent,
        traceparent: span.traceparent,
        nowSeconds: Math.floor(now / 1000),
      });
      // call
      const startedAt = new Date();
      const result = await this.ports.send(endpoint.url, headers, body);
      // complete
      const step = decideNextStep(result, task.attempt, endpoint.retryPolicy, Date.now(), this.random);
      span.end(
        step.kind,
        step.kind === 'delivered' ? undefined : (result.errorDetail ?? `HTTP ${result.statusCode}`),
      );
      metrics.attemptDuration.observe(
        { outcome: step.kind === 'delivered' ? 'success' : 'failure' },
        result.durationMs / 1000,
      );
      const lastError =
        result.errorDetail ?? (result.statusCode === null ? 'no response' : `HTTP ${result.statusCode}`);
      const attemptRow = (status: AttemptRow['status'], nextAttemptAt: Date | null): AttemptRow => ({
        deliveryId: task.deliveryId,
        attempt: task.attempt,
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error: step.kind === 'delivered' ? null : lastError,
        responseBody: result.responseBody,
        status,
        nextAttemptAt,
      });
      await this.trackHealth(endpoint, breaker, step.kind === 'delivered');
      if (step.kind !== 'retry' || !endpoint.ordered) {
        return {
          done: this.follow(
            step,
            task,
            endpoint,
            attemptRow,
            lastError,
            result.statusCode,
            span.traceparent,
          ) as Promise<DispatchOutcome>,
          attempted: true,
        };
      }
      await this.follow(step, task, endpoint, attemptRow, lastError, result.statusCode, span.traceparent);
      // An ordered endpoint retries its head in place: later tasks for it wait, nobody else does.
      await this.sleepUntil(step.dueAt);
      if (this.stopping) throw new Error('stopping: ordered retry left for the next start');
      task = { ...task, attempt: task.attempt + 1 };
    }
  }

  private async follow(
    step: NextStep,
    task: DeliveryTask,
    endpoint: EndpointTargetRow,
    row: (status: AttemptRow['status'], nextAttemptAt: Date | null) => AttemptRow,
    lastError: string,
    statusCode: number | null,
    /** The failed attempt's span: a retry or dead letter continues the trace from it. */
    traceparent: string | undefined,
  ): Promise<DispatchOutcome | 'ordered-retry'> {
    switch (step.kind) {
      case 'delivered':
        metrics.endToEndLatency.observe(Math.max(0, Date.now() - task.publishedAt) / 1000);
        await this.recordAttempt(row('delivered', null));
        return 'delivered';
      case 'retry':
        if (endpoint.ordered) {
          await this.recordAttempt(row('retrying', new Date(step.dueAt)));
          return 'ordered-retry';
        }
        await this.persist(() =>
          this.ports.scheduleRetry(
            {
              task: { ...task, attempt: task.attempt + 1 },
              dueAt: step.dueAt,
              lastError,
              lastStatusCode: statusCode,
            },
            traceparent,
          ),
        );
        await this.recordAttempt(row('retrying', new Date(step.dueAt)));
        return 'retry-scheduled';
      case 'disable-endpoint': {
        const reason = `HTTP 410 Gone on delivery ${task.deliveryId}`;
        endpoint.enabled = false;
        await this.persist(() => this.ports.disableEndpoint(task.endpointId, reason));
        await this.persist(() =>
          this.ports.emitOperational('endpoint.disabled', {
            endpointId: task.endpointId,
            reason,
            failingSince: null,
          }),
        );
        await this.deadLetter(task, traceparent, lastError, statusCode, 'gone');
        await this.recordAttempt(row('dead', null));
        return 'dead-lettered';
      }
      case 'dead-letter':
        await this.deadLetter(task, traceparent, lastError, statusCode, step.reason);
        await this.recordAttempt(row('dead', null));
        return 'dead-lettered';
    }
  }

  private async deadLetter(
    task: DeliveryTask,
    traceparent: string | undefined,
    lastError: string,
    statusCode: number | null,
    reason = 'exhausted',
  ): Promise<void> {
    const letter: DeadLetter = {
      task,
      deadAt: new Date().toISOString(),
      lastError,
      lastStatusCode: statusCode,
      attempts: task.attempt,
    };
    await this.persist(() => this.ports.deadLetter(letter, traceparent));
    metrics.deadLetters.inc({ reason });
    // Not for operational events themselves, so a failing operator endpoint cannot feed a loop.
    if (!operationalTypes.has(task.event.type)) {
      await this.persist(() =>
        this.ports.emitOperational('delivery.exhausted', {
          deliveryId: task.deliveryId,
          endpointId: task.endpointId,
          eventId: task.event.id,
          eventType: task.event.type,
          attempts: task.attempt,
          lastError,
          lastStatusCode: statusCode,
          reason,
        }),
      );
    }
  }

  /**
   * Breaker transitions and the endpoint's failing-since mark; disables an endpoint failing
   * continuously past `disableAfterMs`. Each change publishes its operational event.
   */
  private async trackHealth(
    endpoint: EndpointTargetRow,
    breaker: CircuitBreaker | undefined,
    succeeded: boolean,
  ): Promise<void> {
    const now = Date.now();
    if (succeeded) {
      const transition = breaker?.onSuccess();
      if (transition) metrics.circuitTransitions.inc({ to: transition });
      if (endpoint.failingSince !== null || transition === 'closed') {
        endpoint.failingSince = null;
        await this.persist(() => this.ports.setFailing(endpoint.id, false));
        await this.persist(() =>
          this.ports.emitOperational('endpoint.recovered', { endpointId: endpoint.id }),
        );
      }
      return;
    }
    const transition = breaker?.onFailure(now);
    if (transition) metrics.circuitTransitions.inc({ to: transition });
    // The failing streak starts when the circuit opens; an ordered endpoint has no circuit (its
    // head is retried in place), so its streak starts with its first failed attempt.
    if ((transition || !breaker) && endpoint.failingSince === null) {
      endpoint.failingSince = new Date(now).toISOString();
      await this.persist(() => this.ports.setFailing(endpoint.id, true));
    }
    if (
      endpoint.failingSince !== null &&
      endpoint.enabled &&
      now - Date.parse(endpoint.failingSince) >= this.settings.disableAfterMs
    ) {
      endpoint.enabled = false;
      const reason = `failing continuously since ${endpoint.failingSince}`;
      await this.persist(() => this.ports.disableEndpoint(endpoint.id, reason));
      await this.persist(() =>
        this.ports.emitOperational('endpoint.disabled', {
          endpointId: endpoint.id,
          reason,
          failingSince: endpoint.failingSince,
        }),
      );
    }
  }

  /**
   * Endpoints this dispatcher has attempted that are failing now (failing-since mark set; shared by
   * every dispatcher through PostgreSQL, cleared by a success), with their circuit state here.
   * Disabled and deleted endpoints are left out: nothing is delivered to them any more.
   */
  failingEndpoints(): FailingEndpoint[] {
    const failing: FailingEndpoint[] = [];
    for (const [endpointId, breaker] of this.breakers) {
      const endpoint = this.ports.endpoint(endpointId);
      if (!endpoint?.enabled || endpoint.failingSince === null) continue;
      failing.push({ endpointId, state: breaker.state, failingSince: Date.parse(endpoint.failingSince) });
    }
    return failing;
  }

  /**
   * Rebuilds the circuit gauges and the per-endpoint failing series (bounded by
   * `endpointSeriesMax`); run when scraped, so no attempt pays for a walk over every breaker.
   */
  publishEndpointSeries(now = Date.now()): void {
    this.publishCircuitGauge();
    publishFailingEndpoints(this.failingEndpoints(), this.settings.endpointSeriesMax, now);
  }

  private publishCircuitGauge(): void {
    let open = 0;
    let halfOpen = 0;
    for (const breaker of this.breakers.values()) {
      if (breaker.state === 'open') open++;
      else if (breaker.state === 'half-open') halfOpen++;
    }
    metrics.circuitOpen.set({ state: 'open' }, open);
    metrics.circuitOpen.set({ state: 'half-open' }, halfOpen);
  }

  private async persistRead<T>(read: () => Promise<T>): Promise<T> {
    let result!: T;
    await this.persist(async () => {
      result = await read();
    });
    return result;
  }

  /**
   * Records an attempt. Should PostgreSQL refuse the row for its content (what a receiver answered
   * is made storable when read, so this is a last resort), it is stored without the receiver's
   * texts: the attempt and the delivery's status are on record either way (ADR 0018).
   */
  private async recordAttempt(row: AttemptRow): Promise<void> {
    try {
      await this.persist(() => this.ports.record(row));
    } catch (error) {
      if (this.stopping || failureKind(error) !== 'message') throw error;
      this.logger.error(
        { err: error, deliveryId: row.deliveryId },
        "attempt refused by PostgreSQL; recording it without the receiver's answer",
      );
      await this.persist(() =>
        this.ports.record({
          ...row,
          responseBody: null,
          error: row.error === null ? null : 'the error could not be stored',
        }),
      );
    }
  }

  /**
   * Retries a durable write until it succeeds (or shutdown), so no outcome is ever dropped. A
   * failure about the data written (`failureKind` 'message': a constraint, a value PostgreSQL
   * refuses) is not retried: it would fail the same way forever. It is thrown to the caller.
   */
  private async persist(write: () => Promise<void>): Promise<void> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
      try {
        return await write();
      } catch (error) {
        if (this.stopping || failureKind(error) === 'message') throw error;
        this.logger.warn({ err: error }, 'durable write failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async sleepUntil(at: number): Promise<void> {
    while (!this.stopping && Date.now() < at) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, at - Date.now())));
    }
  }
}

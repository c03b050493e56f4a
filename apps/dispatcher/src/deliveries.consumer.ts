import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EndpointStatusService } from '@gateway/control';
import {
  ConcurrencyBudget,
  createAddressPolicy,
  createDestinations,
  Dispatcher,
  operationalEvent,
  type Destinations,
  type FailingEndpoint,
} from '@gateway/delivery';
import { traceHeaders, type Kafka, type ValidatingConsumer } from '@gateway/kafka';
import { setEndpointSeriesSource, throttledWarning } from '@gateway/observability';
import {
  attemptKey,
  cancelDelivery,
  recordedAttempts,
  setEndpointFailing,
  LiveView,
  EndpointsRepository,
  recordAttempts,
  type AttemptLookup,
  type AttemptRow,
  type DataSource,
  type EndpointTargetRow,
} from '@gateway/persistence';
import { AdaptiveBatcher, CONFIG, ConsumerHost, DATA_SOURCE, KAFKA, watchLoopDelay } from '@gateway/platform';
import { deadLetter, deliveryTask, eventMessage, retryTask } from '@gateway/schemas';
import type { AppConfig } from './config';

/** Least time between two attempt-record statements. */
const ATTEMPT_RECORD_SPACING_MS = 25;

/** Consumes `webhooks.deliveries` and wires the dispatcher to Kafka, PostgreSQL and HTTP. */
@Injectable()
export class DeliveriesConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;
  private view: LiveView<EndpointTargetRow[]> | undefined;
  private dispatcher: Dispatcher | undefined;
  private destinations: Destinations | undefined;
  private stopLoopWatch: (() => void) | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly host: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly endpointStatus: EndpointStatusService,
    private readonly endpointRows: EndpointsRepository,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    let endpoints = new Map<string, EndpointTargetRow>();
    this.view = new LiveView(
      this.dataSource,
      'endpoints_changed',
      // Decrypts each endpoint's headers and secrets once per load, never per delivery.
      () => this.endpointRows.targets(),
      (rows) => (endpoints = new Map(rows.map((row) => [row.id, row]))),
      (error) => this.host.logger.warn({ err: error }, 'endpoint reload failed; keeping the last view'),
    );
    await this.view.start();
    const view = this.view;
    this.destinations = createDestinations({
      policy: createAddressPolicy(config.DELIVERY_ALLOWLIST),
      timeoutMs: config.DELIVERY_TIMEOUT_MS,
      connectTimeoutMs: config.DELIVERY_CONNECT_TIMEOUT_MS,
      userAgent: config.DELIVERY_USER_AGENT,
      // Kafka destinations: the gateway's own cluster, or another with the same SSRF guard.
      kafka: this.kafka,
      gatewayTopics: new Set(Object.values(this.host.topics)),
      logger: this.host.logger,
      clientId: `${config.KAFKA_CLIENT_ID ?? 'dispatcher'}-destinations`,
    });
    const destinations = this.destinations;
    // Attempt records, many in one statement. A failed write fails its callers, whose
    // dispatcher retries them until they are on record: no task finishes before its attempt is.
    // Spaced: the slot is free once the attempt has its answer, so only the offset commit and the
    // attempt log wait for the record; under load, far fewer and larger statements.
    const attemptWriter = new AdaptiveBatcher((rows: AttemptRow[]) => recordAttempts(this.dataSource, rows), {
      maxBatch: 1000,
      spacingMs: ATTEMPT_RECORD_SPACING_MS,
    });
    // Tasks that may be copies ask whether their attempt was already made: one statement per batch of them.
    const attemptLookup = new AdaptiveBatcher((pairs: AttemptLookup[]) =>
      recordedAttempts(this.dataSource, pairs),
    );
    // The opt-in budget and the latency limits (ADR 0010); without both nothing watches the event loop.
    const budget =
      config.DELIVERY_LOOP_DELAY_TARGET_MS > 0
        ? new ConcurrencyBudget({
            targetDelayMs: config.DELIVERY_LOOP_DELAY_TARGET_MS,
            floor: 32,
            ceiling: 10_000,
            initial: 64,
          })
        : undefined;
    this.dispatcher = new Dispatcher(
      {
        endpoint: (id) => endpoints.get(id),
        catchUpEndpoints: () => view.freshFor(Date.now()),
        deliver: (target, message) => destinations.deliver(target, message),
        record: (row) => attemptWriter.send(row),
        cancel: (deliveryId) => cancelDelivery(this.dataSource, deliveryId),
        scheduleRetry: (retry, traceparent) =>
          this.host.producer.produce(retryTask, [{ value: retry, headers: traceHeaders(traceparent) }], {
            linger: true,
          }),
        deadLetter: (letter, traceparent) =>
          this.host.producer.produce(deadLetter, [{ value: letter, headers: traceHeaders(traceparent) }], {
            linger: true,
          }),
        disableEndpoint: (endpointId, reason) => this.endpointStatus.disable(endpointId, reason),
        recordedAttempt: async (deliveryId, attempt, acceptedAt) =>
          (
            await attemptLookup.send({
              deliveryId,
              attempt,
              eventReceivedAt: acceptedAt === undefined ? null : new Date(acceptedAt),
            })
          ).get(attemptKey(deliveryId, attempt)),
        setFailing: (endpointId, failing) => setEndpointFailing(this.dataSource, endpointId, failing),
        // A full ordered backlog pauses its partition (the consumer exists by the time a task arrives).
        pausePartition: (partition) => this.consumer?.pause(partition),
        resumePartition: (partition) => this.consumer?.resume(partition),
        emitOperational: (type, data) =>
          this.host.producer.produce(
            eventMessage,
            [{ value: operationalEvent(type, data, new Date()), headers: traceHeaders() }],
            { linger: true },
          ),
      },
      {
        concurrencyPerEndpoint: config.DELIVERY_CONCURRENCY_PER_ENDPOINT,
        queuePerEndpoint: config.DELIVERY_QUEUE_PER_ENDPOINT,
        maxInFlight: config.DELIVERY_MAX_IN_FLIGHT,
        holdDrainMaxMs: config.DELIVERY_HOLD_DRAIN_MAX_MS,
        breaker: {
          failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
          openMs: config.BREAKER_OPEN_MS,
          maxOpenMs: config.BREAKER_MAX_OPEN_MS,
        },
        disableAfterMs: config.ENDPOINT_DISABLE_AFTER_MS,
        endpointSeriesMax: config.METRICS_ENDPOINT_SERIES_MAX,
        budget,
        latencyLimit: config.DELIVERY_LATENCY_LIMIT === 'on',
      },
      { logger: this.host.logger },
    );
    const dispatcher = this.dispatcher;
    if (budget || config.DELIVERY_LATENCY_LIMIT === 'on')
      this.stopLoopWatch = watchLoopDelay(250, (loop) => dispatcher.adapt(loop));
    setEndpointSeriesSource(() => dispatcher.publishEndpointSeries());
    const warnStale = throttledWarning(
      this.host.logger,
      'endpoints could not be reloaded; delivering with the copy in hand',
    );
    this.consumer = await this.host.tracked('deliveries-consumer', {
      group: 'dispatcher',
      topic: this.host.topics.deliveries,
      contract: deliveryTask,
      accept: async (messages) => {
        // A change committed before these tasks were routed (a new URL, a disabled endpoint): the
        // router made its copy fresh first (ADR 0012), so the NOTIFY is here too, maybe still in
        // its 20 ms debounce. Without PostgreSQL, the copy in hand is used.
        await view.caughtUp().catch(warnStale);
        return dispatcher.accept(messages);
      },
      onRejoin: () => dispatcher.rejoined(),
    });
  }

  /** This dispatcher's failing endpoints with their breaker state (none before it started). */
  failingEndpoints(): FailingEndpoint[] {
    return this.dispatcher?.failingEndpoints() ?? [];
  }

  async beforeApplicationShutdown(): Promise<void> {
    setEndpointSeriesSource(undefined);
    this.stopLoopWatch?.();
    const drainMs = Math.max(0, this.config.SHUTDOWN_TIMEOUT_MS - 3000);
    // Draining waits for each task's attempt record too (a task finishes only once recorded).
    await this.consumer?.stop(async () => {
      await this.dispatcher?.drain(drainMs);
    });
    await this.destinations?.close();
    await this.view?.stop();
  }
}

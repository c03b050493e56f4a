import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric the gateway exports, under one prefix, so dashboards have one list to trust. */
export const METRIC_PREFIX = 'gateway_';
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: METRIC_PREFIX });

const registers = [metricsRegistry];
let endpointSeriesSource: (() => void) | undefined;

/**
 * Who rebuilds the per-endpoint series (the dispatcher, from its live circuit breakers). They are
 * rebuilt whenever one of them is read, so a scrape sees current ages and no recovered endpoint.
 */
export function setEndpointSeriesSource(source: (() => void) | undefined): void {
  endpointSeriesSource = source;
}

let endpointSeriesFresh = false;

/** Each of the four gauges asks before it is read; one scrape reads them in one turn, so once is enough. */
function refreshEndpointSeries(): void {
  if (endpointSeriesFresh || !endpointSeriesSource) return;
  endpointSeriesFresh = true;
  queueMicrotask(() => (endpointSeriesFresh = false));
  endpointSeriesSource();
}

const latencyBuckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  invalidMessages: new Counter({
    name: `${METRIC_PREFIX}invalid_messages_total`,
    help: 'Kafka messages that failed validation and went to the invalid topic.',
    labelNames: ['topic', 'consumer', 'reason'] as const,
    registers,
  }),
  messagesConsumed: new Counter({
    name: `${METRIC_PREFIX}messages_consumed_total`,
    help: 'Kafka messages consumed and accepted by validation.',
    labelNames: ['topic', 'consumer'] as const,
    registers,
  }),
  produceDuration: new Histogram({
    name: `${METRIC_PREFIX}kafka_produce_duration_seconds`,
    help: 'Time from enqueueing a message to the Kafka acknowledgement of its batch.',
    labelNames: ['topic'] as const,
    buckets: latencyBuckets,
    registers,
  }),
  kafkaConnectFailures: new Counter({
    name: `${METRIC_PREFIX}kafka_connect_failures_total`,
    help: 'Tries of a service to connect to Kafka at start that failed (the cause is in /health/ready and the log).',
    registers,
  }),
  consumerLag: new Gauge({
    name: `${METRIC_PREFIX}kafka_consumer_lag_messages`,
    help: 'Messages between the high watermark and the last consumed offset, per partition.',
    labelNames: ['topic', 'partition', 'consumer'] as const,
    registers,
  }),
  eventsRouted: new Counter({
    name: `${METRIC_PREFIX}events_routed_total`,
    help: 'Events matched against subscriptions, by outcome (matched, unmatched, duplicate).',
    labelNames: ['outcome'] as const,
    registers,
  }),
  subscriptionsLoaded: new Gauge({
    name: `${METRIC_PREFIX}router_endpoints_loaded`,
    help: "Endpoints in the router's in-memory subscription view.",
    registers,
  }),
  deliveriesEmitted: new Counter({
    name: `${METRIC_PREFIX}deliveries_emitted_total`,
    help: 'Delivery tasks emitted by the router.',
    registers,
  }),
  deliveries: new Counter({
    name: `${METRIC_PREFIX}deliveries_total`,
    help: 'Delivery tasks finished, by outcome (delivered, retry-scheduled, dead-lettered, deferred, duplicate, cancelled).',
    labelNames: ['outcome'] as const,
    registers,
  }),
  attemptDuration: new Histogram({
    name: `${METRIC_PREFIX}attempt_duration_seconds`,
    help: 'Duration of one attempt of a delivery: the destination call alone, from sending to its answer (the wait before it is gateway_delivery_queue_seconds).',
    labelNames: ['outcome'] as const,
    buckets: latencyBuckets,
    registers,
  }),
  deliveryQueue: new Histogram({
    name: `${METRIC_PREFIX}delivery_queue_seconds`,
    help: "From a delivery task's arrival in the dispatcher to the start of its attempt (its endpoint's queue, the copy check, signing).",
    buckets: latencyBuckets,
    registers,
  }),
  endToEndLatency: new Histogram({
    name: `${METRIC_PREFIX}end_to_end_latency_seconds`,
    help: 'From the event entering the gateway to the receiver answering 2xx.',
    buckets: latencyBuckets,
    registers,
  }),
  retriesPending: new Gauge({
    name: `${METRIC_PREFIX}retries_pending`,
    help: 'Retries stored and not yet fired (all scheduler instances; sampled from PostgreSQL).',
    registers,
  }),
  retriesFired: new Counter({
    name: `${METRIC_PREFIX}retries_fired_total`,
    help: 'Retries re-emitted to the deliveries topic when due.',
    registers,
  }),
  retryLateness: new Histogram({
    name: `${METRIC_PREFIX}retry_lateness_seconds`,
    help: 'How late a retry was re-emitted after its due time (never early).',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers,
  }),
  deadLetters: new Counter({
    name: `${METRIC_PREFIX}dead_letters_total`,
    help: 'Deliveries dead-lettered, by reason (exhausted, ssrf-blocked, invalid-url, gone).',
    labelNames: ['reason'] as const,
    registers,
  }),
  circuitOpen: new Gauge({
    name: `${METRIC_PREFIX}circuit_open_endpoints`,
    help: 'Endpoints whose circuit breaker is open or half-open in this dispatcher, by state.',
    labelNames: ['state'] as const,
    registers,
    collect: refreshEndpointSeries,
  }),
  endpointCircuitState: new Gauge({
    name: `${METRIC_PREFIX}endpoint_circuit_state`,
    help: 'Circuit breaker state in this dispatcher of each failing endpoint (1 on its state: closed, half-open, open). Only failing endpoints, at most METRICS_ENDPOINT_SERIES_MAX, longest-failing first; a series disappears when its endpoint recovers.',
    labelNames: ['endpoint_id', 'state'] as const,
    registers,
    collect: refreshEndpointSeries,
  }),
  endpointFailing: new Gauge({
    name: `${METRIC_PREFIX}endpoint_failing_seconds`,
    help: 'How long each failing endpoint has been failing (since its circuit first opened); the same endpoints as gateway_endpoint_circuit_state.',
    labelNames: ['endpoint_id'] as const,
    registers,
    collect: refreshEndpointSeries,
  }),
  endpointsFailingUnlisted: new Gauge({
    name: `${METRIC_PREFIX}endpoints_failing_unlisted`,
    help: 'Failing endpoints beyond METRICS_ENDPOINT_SERIES_MAX, counted here without series of their own.',
    registers,
    collect: refreshEndpointSeries,
  }),
  dispatchBudget: new Gauge({
    name: `${METRIC_PREFIX}dispatcher_concurrency_budget`,
    help: 'Attempts this dispatcher lets be in flight at once, adapted to its event loop delay (DELIVERY_LOOP_DELAY_TARGET_MS); endpoints share it equally, each within DELIVERY_CONCURRENCY_PER_ENDPOINT.',
    registers,
  }),
  dispatchPausedPartitions: new Gauge({
    name: `${METRIC_PREFIX}dispatcher_paused_partitions`,
    help: 'Partitions of the deliveries topic this dispatcher stopped fetching because an endpoint on them holds DELIVERY_QUEUE_PER_ENDPOINT tasks (an ordered one behind a failing head, or a healthy one draining them: ADR 0014); the other endpoints of such a partition wait with it.',
    registers,
  }),
  dispatchPartitionPauses: new Counter({
    name: `${METRIC_PREFIX}dispatcher_partition_pauses_total`,
    help: 'Endpoints whose full queue paused their partition of the deliveries topic, by reason: ordered (a backlog behind its head) or draining (a healthy endpoint the dispatcher is behind on, ADR 0014).',
    labelNames: ['reason'] as const,
    registers,
  }),
  circuitTransitions: new Counter({
    name: `${METRIC_PREFIX}circuit_transitions_total`,
    help: 'Circuit breaker transitions, by the state entered.',
    labelNames: ['to'] as const,
    registers,
  }),
  ingressRequests: new Counter({
    name: `${METRIC_PREFIX}ingress_requests_total`,
    help: 'Requests to POST /in/:sourceId, by provider ("unknown" before the source is known) and outcome (accepted, duplicate, handshake, unauthorized, not-found, too-large, rate-limited, overloaded, kafka-unavailable, ...).',
    labelNames: ['provider', 'outcome'] as const,
    registers,
  }),
  ingressRequestDuration: new Histogram({
    name: `${METRIC_PREFIX}ingress_request_duration_seconds`,
    help: 'From the request reaching the ingress route to its answer, by provider and outcome. Refusals over the admission limit are not timed (ADR 0011): they are counted in gateway_ingress_requests_total only.',
    labelNames: ['provider', 'outcome'] as const,
    buckets: latencyBuckets,
    registers,
  }),
  ingressRejections: new Counter({
    name: `${METRIC_PREFIX}ingress_rejections_total`,
    help: 'Inbound webhooks refused with 401, by provider and reason (missing-header, malformed-header, bad-signature, stale-timestamp, future-timestamp).',
    labelNames: ['provider', 'reason'] as const,
    registers,
  }),
  ingressInFlight: new Gauge({
    name: `${METRIC_PREFIX}ingress_in_flight_requests`,
    help: 'Ingress requests being handled by this process (bounded by INGRESS_MAX_IN_FLIGHT).',
    registers,
  }),
  ingressAdmissionLimit: new Gauge({
    name: `${METRIC_PREFIX}ingress_admission_limit`,
    help: 'Requests this ingress process admits at once now: INGRESS_MAX_IN_FLIGHT, lowered while its event loop is late and busy (INGRESS_LOOP_DELAY_TARGET_MS, ADR 0011); beyond it the answer is 503 overloaded.',
    registers,
  }),
  ingressSourcesLoaded: new Gauge({
    name: `${METRIC_PREFIX}ingress_sources_loaded`,
    help: "Sources in the ingress's in-memory view.",
    registers,
  }),
  inboundDedup: new Counter({
    name: `${METRIC_PREFIX}inbound_dedup_total`,
    help: 'Journaled inbound webhooks by dedup outcome (published to the inbound topic, or duplicate dropped).',
    labelNames: ['outcome'] as const,
    registers,
  }),
  inboundForwarded: new Counter({
    name: `${METRIC_PREFIX}inbound_forwarded_total`,
    help: 'Inbound webhooks read by the router, by outcome (forwarded to the events topic, no-type, unknown-source, not-forwarding: the source does not forward).',
    labelNames: ['outcome'] as const,
    registers,
  }),
};

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint, type EndpointFixture } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';

/** Sample values of a metric family, by label set. */
async function samples(service: RunningService, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{[^}]*\})? ([^ ]+)$/.exec(line);
    if (match && match[1] === name) out.set(match[2] ?? '', Number(match[3]));
  }
  return out;
}

const total = (values: Map<string, number>) => [...values.values()].reduce((sum, value) => sum + value, 0);

describe('metrics after a small real run', () => {
  let stack: OutboundStack;
  const healthy = new Receiver();
  const failing = new Receiver(() => ({ status: 500 }));
  /** Two endpoints on the failing receiver; METRICS_ENDPOINT_SERIES_MAX=1 lists one, counts the other. */
  let failingEndpoints: EndpointFixture[] = [];

  before(async () => {
    await healthy.start();
    await failing.start();
    const env = {
      BREAKER_FAILURE_THRESHOLD: '2',
      BREAKER_OPEN_MS: '300',
      BREAKER_MAX_OPEN_MS: '1000',
      METRICS_ENDPOINT_SERIES_MAX: '1',
    };
    stack = await startOutbound(['router', 'dispatcher', 'scheduler'], env, async () => {
      await insertEndpoint({ url: healthy.url });
      const retryPolicy = { maxAttempts: 2, baseSeconds: 0.2, factor: 1, capSeconds: 0.2 };
      failingEndpoints = [
        await insertEndpoint({ url: failing.url, retryPolicy }),
        await insertEndpoint({ url: failing.url, retryPolicy }),
      ];
    });
    await stack.routerSees(3);
    await stack.publish([
      ...Array.from({ length: 5 }, (_, n) => ({ type: 'metrics.run', data: { n }, id: `evt_metrics_${n}` })),
      { type: 'metrics.run', data: {}, id: 'evt_metrics_bad' },
    ]);
    await stack.producer.send({ topic: stack.topics.events, messages: [{ value: 'not json' }] });
    await waitFor('healthy deliveries', 15000, () => healthy.requests.length >= 6);
    await waitFor(
      'dead letters of the failing endpoint',
      20000,
      async () => total(await samples(stack.services.dispatcher, 'gateway_dead_letters_total')) >= 1,
    );
  });

  after(async () => {
    await stack?.stop();
    await healthy.stop();
    await failing.stop();
  });

  it('router: consumed, invalid, routed, emitted, lag', async () => {
    const router = stack.services.router;
    assert.ok(total(await samples(router, 'gateway_messages_consumed_total')) >= 6);
    await waitFor(
      'the invalid message counted',
      10000,
      async () => total(await samples(router, 'gateway_invalid_messages_total')) >= 1,
    );
    assert.equal(total(await samples(router, 'gateway_invalid_messages_total')), 1);
    const routed = await samples(router, 'gateway_events_routed_total');
    assert.ok((routed.get('{outcome="matched"}') ?? 0) >= 6);
    assert.ok(total(await samples(router, 'gateway_deliveries_emitted_total')) >= 12);
    const lag = await samples(router, 'gateway_kafka_consumer_lag_messages');
    assert.ok(
      lag.size > 0 && [...lag.values()].every((value) => value >= 0 && value < 100),
      'lag per topic and partition',
    );
    assert.ok(total(await samples(router, 'gateway_kafka_produce_duration_seconds_count')) >= 1);
  });

  it('dispatcher: deliveries by outcome, attempt duration, queueing before it, end-to-end latency, dead letters, circuit', async () => {
    const dispatcher = stack.services.dispatcher;
    const deliveries = await samples(dispatcher, 'gateway_deliveries_total');
    assert.ok((deliveries.get('{outcome="delivered"}') ?? 0) >= 6);
    assert.ok((deliveries.get('{outcome="retry-scheduled"}') ?? 0) >= 1);
    const attempts = await samples(dispatcher, 'gateway_attempt_duration_seconds_count');
    assert.ok(
      (attempts.get('{outcome="success"}') ?? 0) >= 6 && (attempts.get('{outcome="failure"}') ?? 0) >= 1,
    );
    const queued = total(await samples(dispatcher, 'gateway_delivery_queue_seconds_count'));
    assert.ok(queued >= 7, `the wait before each attempt is its own series (issue 23): ${queued}`);
    const e2eSum = total(await samples(dispatcher, 'gateway_end_to_end_latency_seconds_sum'));
    const e2eCount = total(await samples(dispatcher, 'gateway_end_to_end_latency_seconds_count'));
    assert.ok(
      e2eCount >= 6 && e2eSum / e2eCount > 0 && e2eSum / e2eCount < 30,
      'a plausible mean end-to-end latency',
    );
    assert.ok(
      total(await samples(dispatcher, 'gateway_circuit_transitions_total')) >= 1,
      'the failing endpoint opened its circuit',
    );
    assert.ok((await samples(dispatcher, 'gateway_circuit_open_endpoints')).size >= 1);
  });

  it('dispatcher: failing endpoints by id with their circuit state, bounded by METRICS_ENDPOINT_SERIES_MAX', async () => {
    const dispatcher = stack.services.dispatcher;
    const ids = failingEndpoints.map((endpoint) => endpoint.id);
    // Both failing endpoints opened their circuits; the cap of 1 lists one and counts the other.
    await waitFor('one failing endpoint listed, one counted', 10000, async () => {
      const unlisted = await samples(dispatcher, 'gateway_endpoints_failing_unlisted');
      return (
        (await samples(dispatcher, 'gateway_endpoint_failing_seconds')).size === 1 && unlisted.get('') === 1
      );
    });
    const [[series, seconds]] = [
      ...(await samples(dispatcher, 'gateway_endpoint_failing_seconds')).entries(),
    ];
    const listed = /^\{endpoint_id="([^"]+)"\}$/.exec(series)?.[1] ?? '';
    assert.ok(ids.includes(listed), `${series} names a failing endpoint`);
    assert.ok(seconds > 0 && seconds < 120, `failing for a plausible ${seconds} s`);
    const states = await samples(dispatcher, 'gateway_endpoint_circuit_state');
    assert.equal(states.size, 1);
    const [[stateSeries, stateValue]] = [...states.entries()];
    assert.match(stateSeries, new RegExp(`^\\{endpoint_id="${listed}",state="(open|half-open)"\\}$`));
    assert.equal(stateValue, 1);
  });

  it('dispatcher: the failing series disappear once the endpoints recover', async () => {
    const dispatcher = stack.services.dispatcher;
    failing.behaviour = () => ({ status: 200 });
    await stack.publish([{ type: 'metrics.run', data: {}, id: 'evt_metrics_recover' }]);
    // Deferred while the circuit is open (at most BREAKER_MAX_OPEN_MS), then a successful probe closes it.
    // An attempt answered 500 just before the switch can still open a circuit once more, so all
    // three series are waited for together.
    await waitFor('both failing endpoints recovered', 20000, async () => {
      const unlisted = await samples(dispatcher, 'gateway_endpoints_failing_unlisted');
      const states = await samples(dispatcher, 'gateway_endpoint_circuit_state');
      return (
        (await samples(dispatcher, 'gateway_endpoint_failing_seconds')).size === 0 &&
        unlisted.get('') === 0 &&
        states.size === 0
      );
    });
    assert.equal((await samples(dispatcher, 'gateway_endpoint_circuit_state')).size, 0);
    assert.ok(
      ((await samples(dispatcher, 'gateway_circuit_transitions_total')).get('{to="closed"}') ?? 0) >= 2,
      'both circuits closed',
    );
  });

  it('scheduler: retries fired, lateness, pending', async () => {
    const scheduler = stack.services.scheduler;
    assert.ok(total(await samples(scheduler, 'gateway_retries_fired_total')) >= 1);
    const lateCount = total(await samples(scheduler, 'gateway_retry_lateness_seconds_count'));
    const lateSum = total(await samples(scheduler, 'gateway_retry_lateness_seconds_sum'));
    assert.ok(lateCount >= 1 && lateSum / lateCount < 5, 'fired close to their due time');
    await waitFor(
      'the pending gauge sampled',
      10000,
      async () => (await samples(scheduler, 'gateway_retries_pending')).size === 1,
    );
  });
});

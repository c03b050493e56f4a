import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricsRegistry } from '@gateway/observability';
import { publishFailingEndpoints, selectFailingSeries, type FailingEndpoint } from './failing-endpoints';

const failing = (
  endpointId: string,
  failingSince: number,
  state: FailingEndpoint['state'] = 'open',
): FailingEndpoint => ({
  endpointId,
  state,
  failingSince,
});

/** The exposition lines of one metric family, without HELP and TYPE. */
async function lines(name: string): Promise<string[]> {
  const text = await metricsRegistry.getSingleMetricAsString(name);
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('selectFailingSeries', () => {
  it('lists every failing endpoint while they fit under the cap', () => {
    const all = [failing('ep_b', 2000), failing('ep_a', 1000)];
    assert.deepEqual(selectFailingSeries(all, 50), { listed: all, unlisted: 0 });
    assert.deepEqual(selectFailingSeries([], 0), { listed: [], unlisted: 0 });
  });

  it('over the cap keeps the longest-failing ones, ties broken by id, and counts the rest', () => {
    const all = [
      failing('ep_new', 5000),
      failing('ep_old', 1000),
      failing('ep_tie_b', 3000),
      failing('ep_tie_a', 3000),
      failing('ep_mid', 2000),
    ];
    const { listed, unlisted } = selectFailingSeries(all, 3);
    assert.deepEqual(
      listed.map((endpoint) => endpoint.endpointId),
      ['ep_old', 'ep_mid', 'ep_tie_a'],
    );
    assert.equal(unlisted, 2);
  });

  it('picks the same endpoints, in the same order, as sorting them all would', () => {
    const all = Array.from({ length: 500 }, (_, n) =>
      failing(`ep_${(n * 7919) % 500}`, ((n * 104729) % 97) * 1000),
    );
    const sorted = [...all].sort(
      (a, b) => a.failingSince - b.failingSince || (a.endpointId < b.endpointId ? -1 : 1),
    );
    const { listed, unlisted } = selectFailingSeries(all, 40);
    assert.deepEqual(listed, sorted.slice(0, 40));
    assert.equal(unlisted, 460);
  });

  it('with a cap of 0 lists none and counts all', () => {
    assert.deepEqual(selectFailingSeries([failing('ep_a', 1), failing('ep_b', 2)], 0), {
      listed: [],
      unlisted: 2,
    });
  });
});

describe('publishFailingEndpoints', () => {
  it('exports failing seconds and circuit state per listed endpoint, the overflow unlabelled, and drops recovered endpoints', async () => {
    const now = 1_000_000;
    publishFailingEndpoints(
      [
        failing('ep_a', now - 90_000, 'open'),
        failing('ep_b', now - 30_000, 'half-open'),
        failing('ep_c', now - 1_000, 'closed'),
      ],
      2,
      now,
    );
    assert.deepEqual(await lines('gateway_endpoint_failing_seconds'), [
      'gateway_endpoint_failing_seconds{endpoint_id="ep_a"} 90',
      'gateway_endpoint_failing_seconds{endpoint_id="ep_b"} 30',
    ]);
    assert.deepEqual(await lines('gateway_endpoint_circuit_state'), [
      'gateway_endpoint_circuit_state{endpoint_id="ep_a",state="open"} 1',
      'gateway_endpoint_circuit_state{endpoint_id="ep_b",state="half-open"} 1',
    ]);
    assert.deepEqual(await lines('gateway_endpoints_failing_unlisted'), [
      'gateway_endpoints_failing_unlisted 1',
    ]);

    // ep_a recovered; ep_b is still marked failing, its circuit here closed (as after a restart).
    publishFailingEndpoints([failing('ep_b', now - 30_000, 'closed')], 2, now + 10_000);
    assert.deepEqual(await lines('gateway_endpoint_failing_seconds'), [
      'gateway_endpoint_failing_seconds{endpoint_id="ep_b"} 40',
    ]);
    assert.deepEqual(await lines('gateway_endpoint_circuit_state'), [
      'gateway_endpoint_circuit_state{endpoint_id="ep_b",state="closed"} 1',
    ]);
    assert.deepEqual(await lines('gateway_endpoints_failing_unlisted'), [
      'gateway_endpoints_failing_unlisted 0',
    ]);

    publishFailingEndpoints([], 2, now);
    assert.deepEqual(await lines('gateway_endpoint_failing_seconds'), []);
    assert.deepEqual(await lines('gateway_endpoint_circuit_state'), []);
  });
});

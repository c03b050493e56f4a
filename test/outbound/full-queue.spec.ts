import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint } from '../support/endpoints';
import { metricValue } from '../support/metrics';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * A healthy endpoint gets a burst larger than its queue: the dispatcher is behind, not the
 * endpoint, so the excess waits in Kafka (its partition paused) instead of going round through the
 * retry scheduler (ADR 0014). No scheduler runs here: a deferred task would never arrive.
 */
describe('outbound: a burst over a healthy endpoint’s queue', () => {
  let stack: OutboundStack;
  const receiver = new Receiver(() => ({ status: 200, delayMs: 10 }));

  before(async () => {
    await receiver.start();
    stack = await startOutbound(
      ['router', 'dispatcher'],
      { DELIVERY_QUEUE_PER_ENDPOINT: '50', DELIVERY_CONCURRENCY_PER_ENDPOINT: '2' },
      async () => {
        await insertEndpoint({ url: receiver.url, eventTypes: ['burst.*'] });
      },
    );
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('delivers every event of the burst without deferring any, pausing the partition while the queue is full', async () => {
    // One delivery first: the endpoint has answered, so the dispatcher knows it keeps up.
    await stack.publish([{ type: 'burst.first', data: { n: -1 }, id: 'evt_burst_first' }]);
    await waitFor('the first delivery', 15000, () => receiver.requests.length === 1);
    await stack.publish(
      Array.from({ length: 400 }, (_, n) => ({ type: 'burst.one', data: { n }, id: `evt_burst_${n}` })),
      'one-key',
    );
    await waitFor(
      'all 401 deliveries',
      30000,
      () => new Set(receiver.requests.map((request) => request.headers['webhook-id'])).size === 401,
    );
    const dispatcher = stack.services.dispatcher;
    for (const outcome of ['deferred', 'retry-scheduled'])
      assert.equal(
        await metricValue(dispatcher, 'gateway_deliveries_total', `outcome="${outcome}"`),
        0,
        `none went to the retry topic (${outcome})`,
      );
    assert.ok(
      (await metricValue(dispatcher, 'gateway_dispatcher_partition_pauses_total', 'reason="draining"')) >= 1,
      'the full queue paused its partition',
    );
    await waitFor(
      'the partition resumed',
      15000,
      async () => (await metricValue(dispatcher, 'gateway_dispatcher_paused_partitions')) === 0,
    );
  });
});

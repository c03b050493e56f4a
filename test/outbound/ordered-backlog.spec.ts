import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { insertEndpoint, type EndpointFixture } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/** The deliveries topic's partition of an endpoint's tasks (keyed by endpoint id; 4 partitions in tests). */
function partitionOf(endpointId: string): number {
  const partitionMetadata = Array.from({ length: 4 }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));
  return Partitioners.DefaultPartitioner()({
    topic: 'deliveries',
    partitionMetadata,
    message: { key: endpointId, value: null },
  });
}

/**
 * An ordered endpoint whose head keeps failing holds more tasks than DELIVERY_MAX_IN_FLIGHT: the
 * dispatcher keeps delivering to the other endpoints (before, it stopped fetching altogether), and
 * the ordered backlog arrives in order once the endpoint recovers.
 */
describe('outbound: a failing ordered endpoint with a backlog larger than the in-flight gate', () => {
  let stack: OutboundStack;
  let broken = true;
  const ordered = new Receiver(() => (broken ? { status: 500 } : { status: 200 }));
  const healthy = Array.from({ length: 8 }, () => new Receiver());
  let orderedEndpoint: EndpointFixture;
  const healthyEndpoints: EndpointFixture[] = [];

  before(async () => {
    for (const receiver of [ordered, ...healthy]) await receiver.start();
    stack = await startOutbound(
      ['router', 'dispatcher'],
      { DELIVERY_MAX_IN_FLIGHT: '20', DELIVERY_QUEUE_PER_ENDPOINT: '10' },
      async () => {
        orderedEndpoint = await insertEndpoint({
          url: ordered.url,
          eventTypes: ['seq.*'],
          ordered: true,
          retryPolicy: { maxAttempts: 50, baseSeconds: 1, factor: 1, capSeconds: 1 },
        });
        for (const receiver of healthy)
          healthyEndpoints.push(await insertEndpoint({ url: receiver.url, eventTypes: ['tick.*'] }));
      },
    );
    await stack.routerSees(9);
  });

  const pausedPartitions = async () => {
    const text = await (await fetch(`${stack.services.dispatcher.url}/metrics`)).text();
    return Number(/^gateway_dispatcher_paused_partitions (\d+)$/m.exec(text)?.[1]);
  };

  after(async () => {
    await stack?.stop();
    for (const receiver of [ordered, ...healthy]) await receiver.stop();
  });

  it('keeps delivering to endpoints on other partitions, then delivers the ordered backlog in order', async () => {
    await stack.publish(
      Array.from({ length: 60 }, (_, seq) => ({ type: 'seq.step', data: { seq }, id: `evt_backlog_${seq}` })),
      'one-key',
    );
    await waitFor('the ordered head to fail a few times', 15000, () => ordered.requests.length >= 3);
    await stack.publish(
      Array.from({ length: 5 }, (_, n) => ({ type: 'tick.one', data: { n }, id: `evt_tick_${n}` })),
    );
    const elsewhere = healthy.filter(
      (_, i) => partitionOf(healthyEndpoints[i].id) !== partitionOf(orderedEndpoint.id),
    );
    assert.ok(elsewhere.length > 0, 'some healthy endpoint hashes to another partition');
    await waitFor('endpoints on other partitions to get their 5 deliveries', 15000, () =>
      elsewhere.every((receiver) => receiver.requests.length === 5),
    );
    assert.ok(
      ordered.requests.every(
        (request) => (JSON.parse(request.body) as { data: { seq: number } }).data.seq === 0,
      ),
      'only the head was tried',
    );
    assert.equal(await pausedPartitions(), 1, 'the ordered backlog pauses its own partition');
    broken = false;
    await waitFor(
      'the whole ordered backlog',
      30000,
      () => new Set(ordered.requests.map((request) => request.headers['webhook-id'])).size === 60,
    );
    const seqs = ordered.requests
      .map((request) => (JSON.parse(request.body) as { data: { seq: number } }).data.seq)
      .filter((seq) => seq > 0);
    assert.deepEqual(
      seqs,
      Array.from({ length: 59 }, (_, i) => i + 1),
      'in publish order',
    );
    await waitFor('every healthy endpoint, its partition resumed', 15000, () =>
      healthy.every((receiver) => receiver.requests.length === 5),
    );
    assert.equal(await pausedPartitions(), 0);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint } from '../support/endpoints';
import { logDir, rawKafka } from '../support/gateway';
import { metricValue } from '../support/metrics';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { startService } from '../support/services';
import { freePort } from '../support/stack';
import { waitFor } from '../support/wait-for';

/**
 * Kafka re-sends what a dispatcher had not committed (after a crash, a rebalance, or here an
 * operator resetting its offsets). A first attempt whose delivery is already finished is looked up
 * and not sent again; before, every one of them reached the receiver twice.
 */
describe('outbound: deliveries read again from Kafka', () => {
  let stack: OutboundStack;
  const receiver = new Receiver();

  before(async () => {
    await receiver.start();
    stack = await startOutbound(['router', 'dispatcher'], {}, async () => {
      await insertEndpoint({ url: receiver.url, eventTypes: ['reread.*'] });
    });
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('skips delivered first attempts read again after the group’s offsets went back, and delivers what is new', async () => {
    const total = 100;
    await stack.publish(
      Array.from({ length: total }, (_, n) => ({ type: 'reread.one', data: { n }, id: `evt_reread_${n}` })),
    );
    await waitFor('every event delivered once', 30000, () => receiver.requests.length === total);

    // Stopped cleanly (offsets committed), then the whole deliveries topic handed to it again.
    await stack.services.dispatcher.stop();
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      await admin.resetOffsets({
        groupId: `${stack.prefix}dispatcher`,
        topic: stack.topics.deliveries,
        earliest: true,
      });
    } finally {
      await admin.disconnect();
    }
    stack.services.dispatcher = await startService(
      'dispatcher',
      await freePort(),
      { KAFKA_BROKERS: process.env.KAFKA_BROKERS!, ...stack.env },
      logDir,
    );

    const outcome = (label: string) =>
      metricValue(stack.services.dispatcher, 'gateway_deliveries_total', `outcome="${label}"`);
    await waitFor(
      'the re-read tasks looked up and finished as duplicates',
      30000,
      async () => (await outcome('duplicate')) === total,
    );
    await stack.publish([{ type: 'reread.one', data: { n: total }, id: 'evt_reread_new' }]);
    await waitFor('the new event delivered', 30000, () => receiver.requests.length > total);
    // Every task the restarted dispatcher was handed is then settled (the re-read ones as duplicates, the
    // new one delivered), so a send again would already be among the receiver's requests.
    await waitFor('the new delivery settled', 30000, async () => (await outcome('delivered')) === 1);
    assert.equal(await outcome('duplicate'), total);
    assert.equal(receiver.requests.length, total + 1, 'nothing already delivered was sent again');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint } from '../support/endpoints';
import { logDir } from '../support/gateway';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { startService } from '../support/services';
import { freePort } from '../support/stack';
import { waitFor } from '../support/wait-for';

describe('kill -9 of the dispatcher mid-run', () => {
  let stack: OutboundStack;
  const receivers = [
    new Receiver(() => ({ status: 200, delayMs: 20 })),
    new Receiver(() => ({ status: 200, delayMs: 5 })),
  ];

  before(async () => {
    for (const receiver of receivers) await receiver.start();
    stack = await startOutbound(
      ['router', 'dispatcher'],
      { DELIVERY_CONCURRENCY_PER_ENDPOINT: '4' },
      async () => {
        for (const receiver of receivers) await insertEndpoint({ url: receiver.url });
      },
    );
    await stack.routerSees(2);
  });

  after(async () => {
    await stack?.stop();
    for (const receiver of receivers) await receiver.stop();
  });

  it('delivers every event at least once after a restart, none lost', async () => {
    const total = 600;
    await stack.publish(
      Array.from({ length: total }, (_, n) => ({ type: 'crash.test', data: { n }, id: `evt_crash_${n}` })),
    );
    await waitFor('some deliveries before the crash', 20000, () => receivers[0].requests.length >= 50);
    stack.services.dispatcher.process.kill('SIGKILL');
    await stack.services.dispatcher.exited;
    const seenBeforeRestart = receivers[0].requests.length;
    assert.ok(seenBeforeRestart < total, 'the crash happened mid-run');
    stack.services.dispatcher = await startService(
      'dispatcher',
      await freePort(),
      { KAFKA_BROKERS: process.env.KAFKA_BROKERS!, ...stack.env },
      logDir,
    );
    for (const receiver of receivers) {
      await waitFor(
        'every event delivered after the restart',
        60000,
        () =>
          new Set(
            receiver.requests.map((request) => (JSON.parse(request.body) as { data: { n: number } }).data.n),
          ).size === total,
      );
      const ids = new Set(receiver.requests.map((request) => request.headers['webhook-id']));
      assert.equal(ids.size, total, 'one webhook-id per event; re-sends reuse it');
    }
  });
});

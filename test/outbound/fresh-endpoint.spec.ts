import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

describe('outbound: an event published right after its endpoint was created', () => {
  let stack: OutboundStack;
  const receivers = Array.from({ length: 5 }, () => new Receiver());

  before(async () => {
    for (const receiver of receivers) await receiver.start();
    stack = await startOutbound(['router', 'dispatcher']);
    await stack.routerSees(0);
  });

  after(async () => {
    await stack?.stop();
    for (const receiver of receivers) await receiver.stop();
  });

  it('is delivered to it, though the router learns of the endpoint by NOTIFY', async () => {
    // No wait between the commit and the publish: the router must not route on a copy older than the commit.
    for (const [n, receiver] of receivers.entries()) {
      await insertEndpoint({ url: receiver.url, eventTypes: [`fresh.${n}`] });
      await stack.publish([{ type: `fresh.${n}`, data: { n }, id: `evt_fresh_${n}` }]);
    }
    await waitFor('every event at its new endpoint', 20000, () => receivers.every((receiver) => receiver.requests.length === 1));
    for (const [n, receiver] of receivers.entries()) assert.match(receiver.requests[0].body, new RegExp(`"fresh\\.${n}"`));
  });
});

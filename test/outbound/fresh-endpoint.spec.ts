import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint, testDatabase } from '../support/endpoints';
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
    await waitFor('every event at its new endpoint', 20000, () =>
      receivers.every((receiver) => receiver.requests.length === 1),
    );
    for (const [n, receiver] of receivers.entries())
      assert.match(receiver.requests[0].body, new RegExp(`"fresh\\.${n}"`));
  });
  it('goes to the URL its endpoint had when it was published, though the dispatcher learns of a change by NOTIFY', async () => {
    const [a, b] = [receivers[0], receivers[1]];
    const before = { a: a.requests.length, b: b.requests.length };
    const endpoint = await insertEndpoint({ url: a.url, eventTypes: ['moved.*'] });
    const database = await testDatabase();
    const expected = { a: 0, b: 0 };
    // No wait between the update's commit and the publish: the dispatcher must not send on an older copy.
    for (let n = 0; n < 10; n++) {
      const target = n % 2 === 0 ? b : a;
      await database.query('UPDATE endpoints SET url = $1 WHERE id = $2', [target.url, endpoint.id]);
      await stack.publish([
        { type: 'moved.one', data: { n, to: target === a ? 'a' : 'b' }, id: `evt_moved_${n}` },
      ]);
      expected[target === a ? 'a' : 'b']++;
      await waitFor(
        `event ${n} delivered`,
        20000,
        () => a.requests.length + b.requests.length === before.a + before.b + n + 1,
      );
    }
    const misdirected = [
      ...a.requests.slice(before.a).filter((request) => request.body.includes('"to":"b"')),
      ...b.requests.slice(before.b).filter((request) => request.body.includes('"to":"a"')),
    ];
    assert.deepEqual(
      misdirected.map((request) => request.body),
      [],
      'every event went to the URL set before it was published',
    );
    assert.deepEqual({ a: a.requests.length - before.a, b: b.requests.length - before.b }, expected);
  });
});

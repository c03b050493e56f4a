import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { Consumer } from 'kafkajs';
import type { RetryTask } from '@gateway/schemas';
import { generateSecret } from '@gateway/signing';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { collect } from '../support/gateway';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

describe('outbound: isolation, ordering, secret rotation', () => {
  let stack: OutboundStack;
  let retries: { consumer: Consumer; messages: { value: string }[] };
  const hanging = new Receiver(() => 'hang');
  const failing = new Receiver(() => ({ status: 500 }));
  const healthy = [new Receiver(), new Receiver(), new Receiver()];
  let headFailures = 0;
  const ordered = new Receiver(() => (headFailures++ < 1 ? { status: 503 } : { status: 200 }));
  const rotating = new Receiver();
  let rotatingEndpoint: EndpointFixture;
  let failingEndpoint: EndpointFixture;

  before(async () => {
    for (const receiver of [hanging, failing, ...healthy, ordered, rotating]) await receiver.start();
    stack = await startOutbound(['router', 'dispatcher'], { DELIVERY_TIMEOUT_MS: '30000' }, async () => {
      await insertEndpoint({ url: hanging.url, eventTypes: ['load.*'] });
      failingEndpoint = await insertEndpoint({ url: failing.url, eventTypes: ['load.*'] });
      for (const receiver of healthy) await insertEndpoint({ url: receiver.url, eventTypes: ['load.*'] });
      await insertEndpoint({ url: ordered.url, eventTypes: ['seq.*'], ordered: true });
      rotatingEndpoint = await insertEndpoint({ url: rotating.url, eventTypes: ['rotate.*'] });
    });
    await stack.routerSees(7);
    retries = await collect(stack.topics.retries);
  });

  after(async () => {
    await retries?.consumer.disconnect();
    await stack?.stop();
    for (const receiver of [hanging, failing, ...healthy, ordered, rotating]) await receiver.stop();
  });

  it('a hanging endpoint and a failing one do not hold up the healthy ones', async () => {
    const events = Array.from({ length: 100 }, (_, n) => ({
      type: 'load.tick',
      data: { n },
      id: `evt_load_${n}`,
    }));
    await stack.publish(events);
    await waitFor('healthy endpoints to receive all 100', 20000, () =>
      healthy.every((receiver) => receiver.requests.length === 100),
    );
    // Every healthy delivery finished while the hanging endpoint's requests were still open (timeout 30 s).
    assert.ok(hanging.pending() > 0, 'the hanging endpoint still holds open requests');
    assert.ok(hanging.pending() <= 32, 'and no more than its own concurrency cap');
    // Each failing delivery goes to the retry topic: after a failed attempt, or (once the endpoint's
    // circuit opened after repeated failures) straight away, without hammering the endpoint.
    const failed = () =>
      retries.messages
        .map((message) => JSON.parse(message.value) as RetryTask)
        .filter((retry) => retry.task.endpointId === failingEndpoint.id);
    await waitFor(
      'every failed delivery handed to the retry topic',
      20000,
      () => new Set(failed().map((retry) => retry.task.deliveryId)).size === 100,
    );
    const afterAttempt = failed().find((retry) => retry.lastStatusCode === 500)!;
    assert.equal(afterAttempt.task.attempt, 2, 'a retry after a failed attempt is the next attempt');
    assert.ok(afterAttempt.dueAt >= Date.now() - 60000, 'with a due time');
    assert.ok(failing.requests.length < 100, 'the open circuit spared the failing endpoint some attempts');
  });

  it('delivers 200 events to an ordered endpoint in publish order, across a failure of the head', async () => {
    const events = Array.from({ length: 200 }, (_, seq) => ({
      type: 'seq.step',
      data: { seq },
      id: `evt_seq_${seq}`,
    }));
    await stack.publish(events, 'one-ordering-key');
    await waitFor('all 200 ordered deliveries', 30000, () => ordered.requests.length >= 201);
    const seqs = ordered.requests.map(
      (request) => (JSON.parse(request.body) as { data: { seq: number } }).data.seq,
    );
    assert.deepEqual(seqs.slice(0, 2), [0, 0], 'the failed head is retried before anything else is sent');
    assert.deepEqual(
      seqs.slice(1),
      Array.from({ length: 200 }, (_, seq) => seq),
    );
    assert.equal(
      ordered.requests[0].headers['webhook-id'],
      ordered.requests[1].headers['webhook-id'],
      'the retry keeps its webhook-id',
    );
  });

  it('signs with both secrets during a rotation overlap and refuses the old one after it', async () => {
    const db = await testDatabase();
    const newSecret = generateSecret();
    const verifies = (secret: string, request: (typeof rotating.requests)[0]) => {
      try {
        new Webhook(secret).verify(request.body, request.headers);
        return true;
      } catch {
        return false;
      }
    };
    // Publishes probe events until one delivery passes `until`: the dispatcher learns of a secret
    // change by NOTIFY, so the first delivery after the UPDATE may still be signed as before.
    let probes = 0;
    const probeUntil = (what: string, until: (request: (typeof rotating.requests)[0]) => boolean) =>
      waitFor(
        what,
        20000,
        async () => {
          const probe = ++probes;
          await stack.publish([{ type: 'rotate.probe', data: { probe }, id: `evt_rot_${probe}` }]);
          const delivered = await waitFor(`probe ${probe}`, 10000, () =>
            rotating.requests.find((request) => request.body.includes(`"probe":${probe}}`)),
          );
          return until(delivered) ? delivered : null;
        },
        200,
      );

    await db.query(
      `UPDATE endpoint_secrets SET expires_at = now() + interval '1 hour' WHERE endpoint_id = $1`,
      [rotatingEndpoint.id],
    );
    await db.query(`INSERT INTO endpoint_secrets (endpoint_id, key) VALUES ($1, $2)`, [
      rotatingEndpoint.id,
      newSecret,
    ]);
    const during = await probeUntil('a delivery signed with the new secret', (request) =>
      verifies(newSecret, request),
    );
    assert.ok(verifies(rotatingEndpoint.secret, during), 'old secret accepted during the overlap');

    await db.query(`UPDATE endpoint_secrets SET expires_at = now() WHERE endpoint_id = $1 AND key = $2`, [
      rotatingEndpoint.id,
      rotatingEndpoint.secret,
    ]);
    const afterwards = await probeUntil(
      'a delivery the old secret no longer verifies',
      (request) => !verifies(rotatingEndpoint.secret, request),
    );
    assert.ok(verifies(newSecret, afterwards), 'new secret accepted after the overlap');
  });
});

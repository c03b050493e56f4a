import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { InboundMessage } from '@gateway/schemas';
import { generateSecret, signPayload } from '@gateway/signing';
import { closeTestDatabase, useTestDatabase } from '../support/endpoints';
import { collect, freshDatabase, freshTopics, logDir, testInfra } from '../support/gateway';
import { startService, type RunningService } from '../support/services';
import { freePort } from '../support/stack';
import { waitFor } from '../support/wait-for';
import { ingressSees, insertSource, metricValue, post, uniqueId, unixNow } from '../support/ingress';

const secret = generateSecret();

function webhook(id: string): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ type: 'invoice.paid', data: { id } });
  const timestamp = unixNow();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signPayload({ id, timestamp, payload: body, secrets: [secret] }),
    },
  };
}

/**
 * Two real ingress processes behind one URL, as two replicas behind a load balancer: a provider's
 * retry that lands on the other replica, and copies sent to both at the same moment, are each
 * answered 2xx and published once.
 */
describe('ingress: a duplicate is published once, even across two replicas', () => {
  let replicas: RunningService[] = [];
  let sourceId: string;
  let githubSourceId: string;
  let inbound: Awaited<ReturnType<typeof collect>>;
  let journal: Awaited<ReturnType<typeof collect>>;

  before(async () => {
    const { prefix, topics } = await freshTopics(4);
    const databaseUrl = await freshDatabase();
    const db = await useTestDatabase(databaseUrl);
    sourceId = await insertSource(db, { provider: 'standard-webhooks', secrets: [secret] });
    githubSourceId = await insertSource(db, { provider: 'github', secrets: [secret] });
    const env = {
      KAFKA_BROKERS: testInfra().kafkaBrokers,
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: prefix,
    };
    replicas = await Promise.all(
      [0, 1].map(async () => startService('ingress', await freePort(), env, logDir)),
    );
    await Promise.all(replicas.map((replica) => ingressSees(replica, 2)));
    inbound = await collect(topics.inbound);
    journal = await collect(topics.inboundJournal);
  });

  after(async () => {
    await inbound?.consumer.disconnect();
    await journal?.consumer.disconnect();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await closeTestDatabase();
  });

  const send = (replica: RunningService, id: string) => {
    const { headers, body } = webhook(id);
    return post(`${replica.url}/in/${sourceId}`, headers, body);
  };
  const copiesOf = (messages: { value: string }[], id: string) =>
    messages.filter((message) => (JSON.parse(message.value) as InboundMessage).providerEventId === id).length;

  it("answers every copy 2xx, journals both replicas' copies, and publishes each event once", async () => {
    const retried = uniqueId('msg');
    assert.equal((await send(replicas[0], retried)).status, 200);
    assert.equal((await send(replicas[1], retried)).status, 200, 'the retry on the other replica');
    assert.equal((await send(replicas[1], retried)).status, 200, 'and again on the same one');

    const concurrent = Array.from({ length: 10 }, () => uniqueId('msg'));
    const answers = await Promise.all(
      concurrent.flatMap((id) => [send(replicas[0], id), send(replicas[1], id)]),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));

    // Sent last: once it is on the inbound topic, every earlier copy (same source, same partition)
    // has been through the dedup consumer.
    const sentinel = uniqueId('sentinel');
    assert.equal((await send(replicas[0], sentinel)).status, 200);
    await waitFor(
      'the sentinel on webhooks.inbound',
      20000,
      () => copiesOf(inbound.messages, sentinel) === 1,
    );

    // The journal has its own collector, and the duplicates are counted after their batch's winners are published.
    await waitFor('every copy on the journal', 10000, () =>
      [retried, ...concurrent].every((id) => copiesOf(journal.messages, id) === 2),
    );
    const duplicatesDropped = async () =>
      (
        await Promise.all(
          replicas.map((replica) =>
            metricValue(replica, 'gateway_inbound_dedup_total', 'outcome="duplicate"'),
          ),
        )
      ).reduce((a, b) => a + b, 0);
    await waitFor('the duplicates counted', 10000, async () => (await duplicatesDropped()) >= 11);
    assert.equal(
      copiesOf(journal.messages, retried),
      2,
      'each replica journaled its copy (the local cache only knows its own)',
    );
    assert.equal(copiesOf(inbound.messages, retried), 1, 'published once');
    for (const id of concurrent) {
      assert.equal(copiesOf(journal.messages, id), 2);
      assert.equal(copiesOf(inbound.messages, id), 1, `${id} published once`);
    }
    const ids = new Set(inbound.messages.map((message) => (JSON.parse(message.value) as InboundMessage).id));
    assert.equal(ids.size, inbound.messages.length, 'no inbound id appears twice');
    assert.equal(await duplicatesDropped(), 11, 'the dedup consumer dropped one copy of each event');
  });

  it('takes a captured GitHub request sent again under a fresh X-GitHub-Delivery (unsigned) for a duplicate', async () => {
    const github = (delivery: string, body: string) =>
      post(
        `${replicas[0].url}/in/${githubSourceId}`,
        {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': delivery,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      );
    const captured = JSON.stringify({ ref: 'refs/heads/main', after: uniqueId('sha') });
    const [original, replayed] = [uniqueId('gh'), uniqueId('gh')];
    assert.equal((await github(original, captured)).status, 200);
    assert.equal((await github(replayed, captured)).status, 200, 'answered like any duplicate');
    const sentinel = uniqueId('gh');
    assert.equal(
      (await github(sentinel, JSON.stringify({ ref: 'refs/heads/main', after: sentinel }))).status,
      200,
    );
    await waitFor(
      'the sentinel on webhooks.inbound',
      20000,
      () => copiesOf(inbound.messages, sentinel) === 1,
    );
    assert.equal(
      copiesOf(inbound.messages, original) + copiesOf(inbound.messages, replayed),
      1,
      'published once',
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { TopicKey } from '@gateway/schemas';
import { testDatabase, type EndpointFixture } from '../support/endpoints';
import type { OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';
import { post } from '../support/ingress';
import { allReady, canaryId, signedGithub, startForwardingFuzz, type ForwardingFuzz } from './fuzz-support';
import { fuzzParameters, hostileKafkaValue } from './hostile';

const secret = 'fuzz-kafka-github-secret';
/** Batches of hostile values per consumed topic, each followed by its canary. */
const RUNS = 6;

/**
 * Issue 19, fuzz: hostile values on every consumed topic (bytes that are not UTF-8, tombstones,
 * JSON that is not an object, deep nesting, long strings and ids, many keys, NUL and lone
 * surrogates, prototype-named keys, and valid messages with one field made hostile). After each
 * batch: a normal message under the same key is handled (a canary through the same partition),
 * every consumer's lag returns to 0, every service stays ready.
 */
describe('fuzz: hostile Kafka values on every consumed topic (issue 19)', () => {
  let stack: OutboundStack;
  let endpoint: EndpointFixture;
  let sourceId: string;
  let lags: ForwardingFuzz['lags'];
  let fuzz: ForwardingFuzz | undefined;
  const retried = new Set<string>();
  const receiver = new Receiver((request) => {
    const kind = /"type":"(fuzz\.(?:retry|dead))".*"canary":"([^"]+)"/.exec(request.body);
    if (kind?.[1] === 'fuzz.dead') return { status: 500 };
    if (kind?.[1] === 'fuzz.retry' && !retried.has(kind[2])) {
      retried.add(kind[2]);
      return { status: 500 };
    }
    return { status: 200 };
  });
  const seen = (id: string) => receiver.requests.filter((request) => request.body.includes(`"${id}"`)).length;

  before(async () => {
    fuzz = await startForwardingFuzz(receiver, {
      services: ['ingress', 'router', 'dispatcher', 'scheduler'],
      env: { BREAKER_FAILURE_THRESHOLD: '10000', SCHEDULER_POLL_MS: '50' },
      secret,
      retryPolicy: { maxAttempts: 2, baseSeconds: 0.1, factor: 1, capSeconds: 0.1 },
      source: { dedupWindowSeconds: 0 },
    });
    ({ stack, endpoint, sourceId, lags } = fuzz);
  });

  after(async () => {
    await fuzz?.stop();
  });

  const now = new Date().toISOString();
  const task = () => ({
    deliveryId: 'dlv_fuzz',
    endpointId: endpoint.id,
    attempt: 1,
    event: {
      id: 'evt_fuzz',
      type: 'fuzz.hostile',
      data: { a: 1, list: ['x'] },
      tenant: null,
      occurredAt: now,
    },
    orderingKey: null,
    publishedAt: Date.now(),
  });
  const inbound = () => ({
    id: 'in_fuzz',
    sourceId,
    provider: 'github',
    providerEventId: 'd1',
    providerEventType: 'fuzz.inbound',
    receivedAt: now,
    contentType: 'application/json',
    bodyBase64: Buffer.from('{"a":1}').toString('base64'),
    headers: { 'x-github-event': 'fuzz.inbound' },
  });

  /** Publishes an event and waits for the receiver to see it `times` times. */
  const eventCanary = async (type: string, times = 1): Promise<void> => {
    const id = canaryId(type.replace('fuzz.', ''));
    await stack.publish([{ type, id, data: { canary: id } }], 'fuzz');
    await waitFor(`the canary ${type} delivered`, 15_000, () => seen(id) >= times);
  };

  const boundaries: {
    topic: TopicKey;
    group: string;
    key: () => string;
    template: () => Record<string, unknown>;
    canary: () => Promise<void>;
  }[] = [
    {
      topic: 'events',
      group: 'router',
      key: () => 'fuzz',
      template: () => ({
        type: 'fuzz.hostile',
        id: 'evt_fuzz',
        data: { a: 1, list: ['x'] },
        tenant: 't',
        occurredAt: now,
        orderingKey: 'k',
      }),
      canary: () => eventCanary('fuzz.canary'),
    },
    {
      topic: 'deliveries',
      group: 'dispatcher',
      key: () => endpoint.id,
      template: task,
      canary: () => eventCanary('fuzz.canary'),
    },
    {
      topic: 'retries',
      group: 'scheduler',
      key: () => endpoint.id,
      template: () => ({ task: task(), dueAt: Date.now(), lastError: 'HTTP 500', lastStatusCode: 500 }),
      canary: () => eventCanary('fuzz.retry', 2),
    },
    {
      topic: 'deadLetter',
      group: 'scheduler-dead-letters',
      key: () => endpoint.id,
      template: () => ({
        task: task(),
        deadAt: now,
        lastError: 'HTTP 500',
        lastStatusCode: 500,
        attempts: 2,
      }),
      canary: async () => {
        const id = canaryId('dead');
        await stack.publish([{ type: 'fuzz.dead', id, data: { canary: id } }], 'fuzz');
        const db = await testDatabase();
        await waitFor(
          'the dead-letter canary recorded',
          15_000,
          async () =>
            (await db.query<unknown[]>(`SELECT 1 FROM dead_letters WHERE event_id = $1`, [id])).length === 1,
        );
      },
    },
    ...(['inboundJournal', 'inbound'] as const).map((topic) => ({
      topic,
      group: topic === 'inbound' ? 'router-inbound' : 'ingress-journal',
      key: () => sourceId,
      template: inbound,
      canary: async () => {
        const id = canaryId(topic);
        const body = JSON.stringify({ canary: id });
        const answer = await post(
          `${stack.services.ingress.url}/in/${sourceId}`,
          signedGithub(secret, 'fuzz.inbound', body),
          body,
        );
        assert.equal(answer.status, 200, answer.text);
        await waitFor(`the inbound canary through ${topic} delivered`, 15_000, () => seen(id) >= 1);
      },
    })),
  ];

  for (const boundary of boundaries) {
    it(`${boundary.topic}: hostile values under the canary's key stop nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileKafkaValue(boundary.template()), { minLength: 5, maxLength: 15 }),
          async (values) => {
            // One by one: together they may exceed Kafka's 1 MB record batch.
            for (const value of values)
              await stack.producer.send({
                topic: stack.topics[boundary.topic],
                messages: [{ key: boundary.key(), value }],
              });
            await boundary.canary();
            await lags.waitForNoLag([
              { group: `${stack.prefix}${boundary.group}`, topic: stack.topics[boundary.topic] },
            ]);
            await allReady(stack.services);
          },
        ),
        fuzzParameters(RUNS),
      );
    });
  }
});

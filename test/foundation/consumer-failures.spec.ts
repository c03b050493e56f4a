import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Consumer, Producer } from 'kafkajs';
import {
  BatchingProducer,
  createKafka,
  startValidatingConsumer,
  type ValidatingConsumer,
} from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { eventMessage, type EventMessage, type InvalidMessage, type TopicNames } from '@gateway/schemas';
import { collect, freshTopics, rawProducer, testInfra } from '../support/gateway';
import { waitFor } from '../support/wait-for';

/**
 * Issue 19: a consumer never crash-loops on one message. A failure while handling a batch is sorted
 * (failureKind): an outage is retried, the partition waits; anything else is narrowed down to the
 * message that fails alone, which goes to the invalid topic (reason unprocessable), and the
 * partition moves on. Real Kafka, the consumer loop every service uses.
 */
describe('consumer: a message whose handling fails (issue 19)', () => {
  let topics: TopicNames;
  let producer: BatchingProducer;
  let raw: Producer;
  let consumer: ValidatingConsumer;
  let invalid: { consumer: Consumer; messages: { value: string }[] };
  const handled: string[] = [];
  let outages = 0;

  before(async () => {
    ({ topics } = await freshTopics(1));
    const kafka = createKafka({
      brokers: testInfra().kafkaBrokers.split(','),
      clientId: 'consumer-failures',
      logger: createLogger('test', 'silent'),
    });
    producer = new BatchingProducer(kafka, topics, { lingerMs: 1 });
    await producer.connect();
    raw = await rawProducer();
    invalid = await collect(topics.invalid);
    consumer = await startValidatingConsumer({
      kafka,
      groupId: `consumer-failures-${Date.now()}`,
      topic: topics.events,
      contract: eventMessage,
      producer,
      logger: createLogger('test', 'silent'),
      handle: async (messages) => {
        for (const { value } of messages) {
          if (value.type === 'poison') throw new RangeError('Maximum call stack size exceeded');
          if (value.type === 'data-error')
            throw Object.assign(new Error('date/time field value out of range'), { code: '22008' });
          if (value.type === 'outage' && outages++ < 3)
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        }
        handled.push(...messages.map(({ value }) => value.id ?? ''));
      },
    });
    await consumer.joined;
  });

  after(async () => {
    await consumer?.stop();
    await invalid?.consumer.disconnect();
    await raw?.disconnect();
    await producer?.disconnect();
  });

  const publish = (events: EventMessage[]) =>
    raw.send({
      topic: topics.events,
      messages: events.map((event) => ({ key: 'k', value: JSON.stringify(event) })),
    });

  it('sends the message that fails alone to the invalid topic (unprocessable) and handles the others of its batch, in order', async () => {
    await publish([
      { type: 'fine', id: 'a', data: 1 },
      { type: 'poison', id: 'p', data: 2 },
      { type: 'fine', id: 'b', data: 3 },
      { type: 'data-error', id: 'd', data: 4 },
      { type: 'fine', id: 'c', data: 5 },
    ]);
    await waitFor('the three fine messages handled', 15000, () => handled.includes('c'));
    assert.deepEqual(
      handled.filter((id) => id !== ''),
      ['a', 'b', 'c'],
    );
    const rejected = await waitFor('both failing messages on the invalid topic', 15000, () =>
      invalid.messages.length >= 2
        ? invalid.messages.map((message) => JSON.parse(message.value) as InvalidMessage)
        : undefined,
    );
    assert.deepEqual(
      rejected.map((item) => [item.reason, item.offset]),
      [
        ['unprocessable', '1'],
        ['unprocessable', '3'],
      ],
    );
    assert.equal(rejected[0].errors[0].message, 'RangeError: Maximum call stack size exceeded');
    assert.equal(rejected[1].errors[0].message, 'Error 22008: date/time field value out of range');
  });

  it('retries a message whose handling failed for an outage until it succeeds, diverting nothing', async () => {
    const invalidBefore = invalid.messages.length;
    await publish([
      { type: 'outage', id: 'o', data: 1 },
      { type: 'fine', id: 'e', data: 2 },
    ]);
    await waitFor(
      'the outage message handled once the outage is over',
      20000,
      () => handled.includes('o') && handled.includes('e'),
    );
    assert.equal(outages, 4, 'three failures, then success');
    assert.equal(invalid.messages.length, invalidBefore);
  });
});

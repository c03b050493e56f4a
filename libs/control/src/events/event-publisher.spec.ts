import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessages, type OutgoingMessage, type ProduceOptions, type Produced } from '@gateway/kafka';
import { topicNames, type MessageContract } from '@gateway/schemas';
import type { z } from 'zod';
import { EventPublisher, maxEventBytes } from './event-publisher';

interface Sent {
  topic: string;
  message: OutgoingMessage;
  options: ProduceOptions;
}

/** BatchingProducer.produce without Kafka: the same encoding, the sends kept. */
function fakeProducer(failWith?: Error) {
  const sent: Sent[] = [];
  const topics = topicNames('p.');
  return {
    sent,
    produce: async <S extends z.ZodType>(
      contract: MessageContract<S>,
      values: readonly Produced<z.infer<S>>[],
      options: ProduceOptions = {},
    ) => {
      const messages = encodeMessages(contract, values, options.refuseOverLimit);
      if (failWith) throw failWith;
      for (const message of messages) sent.push({ topic: topics[contract.topic], message, options });
    },
  };
}

const noTrace = (fallback?: string): Record<string, string> => (fallback ? { traceparent: fallback } : {});

describe('EventPublisher', () => {
  it('fills id and occurredAt, keys by the id, and answers once the send resolved', async () => {
    const producer = fakeProducer();
    const outcome = await new EventPublisher(producer, noTrace).publish({
      type: 'a.b',
      data: { x: 1 },
    });
    assert.equal(outcome.outcome, 'published');
    assert.match(outcome.id, /^evt_/);
    const [{ topic, message, options }] = producer.sent as [Sent];
    assert.equal(topic, 'p.events');
    assert.equal(
      options.linger,
      undefined,
      'no linger: the events of one turn of the event loop leave together',
    );
    assert.equal(message.key, outcome.id);
    const value = JSON.parse(String(message.value)) as Record<string, unknown>;
    assert.equal(value.id, outcome.id);
    assert.ok(typeof value.occurredAt === 'string');
    assert.deepEqual(message.headers, {});
  });

  it('keys by the orderingKey and passes on a well-formed traceparent only', async () => {
    const producer = fakeProducer();
    const publisher = new EventPublisher(producer, noTrace);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await publisher.publish({ type: 'a.b', data: null, id: 'evt_1', orderingKey: 'k' }, traceparent);
    await publisher.publish({ type: 'a.b', data: null, id: 'evt_2' }, 'garbage');
    assert.equal(producer.sent[0].message.key, 'k');
    assert.deepEqual(producer.sent[0].message.headers, { traceparent });
    assert.deepEqual(producer.sent[1].message.headers, {});
  });

  it('reports an unacknowledged write as kafka-unavailable and rethrows anything else', async () => {
    const unavailable = Object.assign(new Error('kafka write failed'), { code: 'kafka_unavailable' });
    const outcome = await new EventPublisher(fakeProducer(unavailable), noTrace).publish({
      type: 'a.b',
      data: 1,
      id: 'evt_9',
    });
    assert.deepEqual(outcome, { outcome: 'kafka-unavailable', id: 'evt_9' });
    const bug = new TypeError('bug');
    await assert.rejects(
      new EventPublisher(fakeProducer(bug), noTrace).publish({ type: 'a.b', data: 1 }),
      bug,
    );
  });

  it('refuses an event larger than a Kafka record may be, without sending it', async () => {
    const producer = fakeProducer();
    const outcome = await new EventPublisher(producer, noTrace).publish({
      type: 'a.b',
      data: 'x'.repeat(maxEventBytes),
    });
    assert.equal(outcome.outcome, 'too-large');
    assert.ok(outcome.outcome === 'too-large' && outcome.bytes > maxEventBytes);
    assert.equal(producer.sent.length, 0);
  });
});
